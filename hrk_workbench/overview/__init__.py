"""The assessment at a glance: all advice in one object (:mod:`.advice`), and where it stands,
each step's mark and what is still missing (:mod:`.progress`). Both read every rule and the
catalogue record, so they sit above them, under the memo and the two interfaces."""
