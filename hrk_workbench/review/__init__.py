"""Review and approval of an assessment (issue 33): comments, signed approvals bound to a
digest of the content, their verification, and the publication gate built on them.

Pure core: no Qt; the app and the command line both call these functions.
"""
