"""Nothing published before approval: the gate the catalogue outputs pass.

A record that says the data is public (the CKAN package, a DCAT-AP record with access
rights PUBLIC) is written only when the current version carries a valid decider approval
(digest matches, signature verifies) of a decision to open (``open…``). Otherwise the
reason is given and nothing is written, unless a draft is asked for, which the record then
says of itself.
"""

from __future__ import annotations

from pathlib import Path

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.review.approval import check_approvals


def publication_refusal(assessment: Assessment, forms: Forms,
                        path: Path | None = None) -> Problem | None:
    """Why a public record may not be written yet, or None when it may."""
    from hrk_workbench.foundations.answer_names import decision_text
    from hrk_workbench.review.texts import check_text

    outcome = assessment.decision.outcome
    if not outcome or not outcome.startswith("open"):
        return Problem("decision.outcome", "no decision to open is recorded: nothing written",
                       "a decision open… approved by a decider, or --draft",
                       code="publish_no_decision")
    deciders = [c for c in check_approvals(assessment, None, path)
                if c.approval.role == "decider"]
    if any(c.valid for c in deciders):
        return None
    if not deciders:
        return Problem("approvals", f"the decision {outcome} has no decider's approval: "
                                    "nothing written",
                       "hrk-workbench approve FILE --as NAME --role decider, or --draft",
                       code="publish_no_approval",
                       params={"outcome": decision_text(outcome, forms)})
    last = deciders[-1]
    return Problem(f"approvals[{last.index}]", "the decider's approval no longer stands: "
                                               + check_text(last, "en", forms),
                   "a new approval of this version, or --draft", code="publish_approval_void",
                   params={"detail": {lang: check_text(last, lang, forms)
                                      for lang in forms.messages}})


def draft_note(forms: Forms) -> dict[str, str]:
    """The draft mark's text in every language the catalogues have."""
    from hrk_workbench.foundations.i18n import label

    return {lang: label("publish_draft_note", lang, forms) for lang in forms.messages}
