"""Last year's assessment as this year's template ("Save as new assessment").

The copy keeps what describes the dataset and how it was judged (answers, lab results, the
memo's filing details) and drops what belongs to the old file's own life: its id, creation
time, change log, review comments, approvals and decision. An approval or a decision copied
into a new file would claim something nobody decided about it.
"""

from __future__ import annotations

from hrk_workbench.model.assessment import Assessment, Decision, _new_id, _now


def as_new_assessment(old: Assessment) -> Assessment:
    """A new assessment (new id, created now) with ``old``'s answers as the template."""
    new = old.model_copy(deep=True)
    kept = old.decision
    # who presents and decides, and on what legal basis, usually stays from year to year;
    # the outcome, date, record and section number are the new decision's own
    decision = Decision(legal_basis=kept.legal_basis, presenter=kept.presenter,
                        decided_by=kept.decided_by, decider_title=kept.decider_title)
    return new.model_copy(update={
        "id": _new_id(), "created": _now(), "change_log": [], "comments": [],
        "approvals": [], "decision": decision})
