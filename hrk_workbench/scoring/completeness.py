"""Which answers a recommendation needs, which are missing, and which contradict each other.

A recommendation from half the answers is worse than none: a new assessment would read "open"
before anyone asked whether it holds personal data. The required answers and the contradictions
are data in ``forms/`` (a ``required`` rule on a question, with an optional condition, and the
``contradictions`` lists), so an organisation can tighten them without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.forms.schema import Required, RequiredRule
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.model.assessment import Assessment

_BLANK: tuple[Any, ...] = (None, "", [], {})


def answer_value(assessment: Assessment, path: str) -> Any:
    """The value of a question-level answer path (``gates.G1``, ``anonymisation.A2``,
    ``dataset.personal_data``); None when unanswered. A risk's value is its (L, I) pair."""
    section, _, key = path.partition(".")
    if section == "dataset":
        return getattr(assessment.dataset, key, None)
    entries = getattr(assessment, section, None)
    if not isinstance(entries, dict) or key not in entries:
        return None
    entry = entries[key]
    if section == "risks":
        if entry.likelihood is None or entry.impact is None:
            return None
        return (entry.likelihood, entry.impact)
    return getattr(entry, "value", None)


def _same(value: Any, expected: Any) -> bool:
    # True is not 1 here: a yes/no answer never matches a number by accident
    return type(value) is type(expected) and value == expected


def holds(assessment: Assessment, condition: dict[str, Any]) -> bool:
    """True when every named answer has its value (a list: any of its values)."""
    for path, expected in condition.items():
        value = answer_value(assessment, path)
        options = expected if isinstance(expected, list) else [expected]
        if not any(_same(value, option) for option in options):
            return False
    return True


def is_required(rule: RequiredRule, assessment: Assessment) -> bool:
    if isinstance(rule, Required):
        return holds(assessment, rule.when)
    return bool(rule)


@dataclass(frozen=True)
class Completeness:
    missing: tuple[str, ...]  # question-level paths, e.g. gates.G2, dataset.personal_data
    contradictions: tuple[tuple[str, ...], ...]  # the paths of answers that contradict
    reasons: tuple[Reason, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.contradictions


def check_completeness(assessment: Assessment, forms: Forms) -> Completeness:
    """Every required answer that is missing and every contradiction, each with its reason."""
    hrk = forms.hrk
    missing: list[str] = []
    reasons: list[Reason] = []

    def need(path: str, question: str, rule: RequiredRule) -> None:
        if is_required(rule, assessment) and answer_value(assessment, path) in _BLANK:
            missing.append(path)
            reasons.append(Reason("missing_answer", {"path": path, "question": question}))

    for f in forms.dataset.fields:
        need(f"dataset.{f.id}", f.id, f.required)
    for g in hrk.gates.questions:
        need(f"gates.{g.id}", g.id, g.required)
    if hrk.benefits.required == "any" and all(
            answer_value(assessment, f"benefits.{q.id}") is None for q in hrk.benefits.questions):
        missing.append("benefits")
        reasons.append(Reason("missing_benefits", {"path": "benefits"}))
    if hrk.risks.required == "any" and all(
            answer_value(assessment, f"risks.{q.id}") is None for q in hrk.risks.questions):
        missing.append("risks")
        reasons.append(Reason("missing_risks", {"path": "risks"}))
    for r in hrk.risks.questions:
        need(f"risks.{r.id}", r.id, r.required)
    for section, form in (("anonymisation", forms.anonymisation), ("channel", forms.channel)):
        for q in form.questions:
            need(f"{section}.{q.id}", q.id, q.required)

    contradictions: list[tuple[str, ...]] = []
    for form in (forms.anonymisation, forms.channel):
        for rule in form.contradictions:
            if holds(assessment, rule):
                paths = tuple(rule)
                contradictions.append(paths)
                reasons.append(Reason("contradiction", {
                    "first": paths[0], "first_value": shown_value(rule[paths[0]]),
                    "second": paths[1], "second_value": shown_value(rule[paths[1]]),
                    "paths": list(paths)}))
    return Completeness(tuple(missing), tuple(contradictions), tuple(reasons))


def shown_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# --- the still-missing list -------------------------------------------------------------------


def unknown_gates(assessment: Assessment, forms: Forms) -> list[str]:
    """The gates answered "unknown": HRK-METHOD rev. 3 opens nothing on an unsettled gate."""
    return [g.id for g in forms.hrk.gates.questions
            if answer_value(assessment, f"gates.{g.id}") == "unknown"]


def nothing_rated(assessment: Assessment, step: str) -> bool:
    """No benefit (``benefits``) or no risk (``risks``) rated at all: its level is not
    assessed, rather than "low"."""
    if step == "benefits":
        return all(b.value is None for b in assessment.benefits.values())
    return all(r.likelihood is None or r.impact is None for r in assessment.risks.values())


