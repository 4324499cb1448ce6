"""A recorded decision more open than the recommendation, and its written justification.

HRK-METHOD rev. 3, "The decision against the recommendation": the steward decides, but a
decision that opens more than the recommendation (``open`` while it is ``limited_access``,
say) must say why in writing. Without that text the file is still usable (a warning, not an
error: the steward may record the decision first and write the justification next), but
``validate`` reports it, the Decision step is marked with a problem and the memo prints the
decision as a draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.problems import Problem
from hrk_workbench.model.assessment import Assessment

OPEN_DECISIONS = frozenset({"open", "open_with_conditions"})
CLOSED_RECOMMENDATIONS = frozenset({"incomplete", "limited_access", "do_not_open"})


def departs(decision: str | None, recommendation: str) -> bool:
    """Is the decision more open than the recommendation? (any open decision against
    ``incomplete``, ``limited_access`` or ``do_not_open``; ``limited_access`` against
    ``do_not_open``; ``open`` against ``open_after_mitigation``)."""
    if decision in OPEN_DECISIONS:
        return recommendation in CLOSED_RECOMMENDATIONS or (
            decision == "open" and recommendation == "open_after_mitigation")
    return decision == "limited_access" and recommendation == "do_not_open"


@dataclass(frozen=True)
class Departure:
    """A decision more open than the recommendation, and whether it is justified."""

    decision: str
    recommendation: str
    justified: bool


def departure(assessment: Assessment, forms: Forms) -> Departure | None:
    """The assessment's departure from its recommendation, None when there is none."""
    from hrk_workbench.decision.summary import summarise

    decision = assessment.decision.outcome
    if decision is None:
        return None
    outcome = summarise(assessment, forms).recommendation.outcome
    if not departs(decision, outcome):
        return None
    justified = any(text.strip() for text in assessment.decision.justification.values())
    return Departure(decision, outcome, justified)


def outcome_texts(forms: Forms, decision: str, recommendation: str) -> tuple[dict, dict]:
    """The decision's and the recommendation's names in every catalogue language, as texts
    a problem's message renders in the steward's language."""
    from hrk_workbench.foundations.i18n import label

    entry = next((e for e in forms.vocab.decision_outcomes if e.id == decision), None)
    langs = sorted(forms.messages)
    decided = {lang: (entry.text.get(lang) or entry.text.get("en", decision)) if entry
               else decision for lang in langs}
    recommended = {lang: label(recommendation, lang, forms) for lang in langs}
    return decided, recommended


def justification_problems(assessment: Assessment, forms: Forms) -> list[Problem]:
    """A warning at ``decision.justification`` when a departure has no justification."""
    found = departure(assessment, forms)
    if found is None or found.justified:
        return []
    decided, recommended = outcome_texts(forms, found.decision, found.recommendation)
    return [Problem(
        "decision.justification",
        f"the decision {found.decision!r} is more open than the recommendation "
        f"{found.recommendation!r} and has no written justification",
        "a justification of the departure in the assessment's language", "warning",
        code="decision_needs_justification",
        params={"decision": decided, "recommendation": recommended})]
