"""The desktop app (PySide6). The only package that imports Qt.

It edits the assessment through :mod:`hrk_workbench.model.edit` and shows what the core's
rules return; it holds no business rules of its own, so the CLI and the app never disagree.
"""
