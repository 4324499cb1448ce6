"""The indicative recommendation of HRK-METHOD.md: never a decision, always with its reasons."""

from __future__ import annotations

from dataclasses import dataclass

from hrk_workbench.forms import Forms
from hrk_workbench.hvd import HvdStatus
from hrk_workbench.model import Assessment
from hrk_workbench.reasons import Reason

from .benefit import BenefitResult
from .cost import CostResult
from .risk import RiskResult


@dataclass(frozen=True)
class Recommendation:
    outcome: str
    reasons: tuple[Reason, ...]
    notes: tuple[Reason, ...]  # things to resolve before deciding, whatever the outcome


def recommend(
    assessment: Assessment,
    forms: Forms,
    benefit: BenefitResult,
    risks: RiskResult,
    costs: CostResult,
    hvd: HvdStatus | None,
) -> Recommendation:
    gates = forms.hrk.gates.questions
    answer = {g.id: (assessment.gates[g.id].value if g.id in assessment.gates else None)
              for g in gates}
    notes: list[Reason] = []
    for g in gates:
        if answer[g.id] == "unknown":
            notes.append(Reason("gate_unknown", {"gate": g.id}))
        elif answer[g.id] is None:
            notes.append(Reason("gate_unanswered", {"gate": g.id}))

    reasons: list[Reason] = []
    blocking = [g for g in gates if answer[g.id] == "yes" and g.blocks_with == "do_not_open"]
    limiting = [g for g in gates if answer[g.id] == "yes" and g.blocks_with == "limited_access"]
    critical = risks.by_level("critical")
    high = risks.by_level("high")
    cost_ok = costs.level in ("low", "medium")

    if blocking:
        outcome = "do_not_open"
        reasons += [Reason("gate_blocks", {"gate": g.id, "answer": "yes"}) for g in blocking]
    elif limiting:
        outcome = "limited_access"
        reasons += [Reason("gate_limits", {"gate": g.id, "answer": "yes"}) for g in limiting]
    elif critical:
        scores = {r.id: r.residual_score for r in risks.scores if r.id in critical}
        if benefit.level == "high":
            outcome = "limited_access"
            reasons.append(Reason("risk_critical_high_benefit", {
                "risk": critical, "score": max(scores.values()),
                "threshold": _band_min(forms, "critical"), "benefit_score": benefit.score}))
        else:
            outcome = "do_not_open"
            reasons.append(Reason("risk_critical", {
                "risk": critical, "score": max(scores.values()),
                "threshold": _band_min(forms, "critical"), "benefit_level": benefit.level}))
    elif high:
        outcome = "open_after_mitigation"
        scores = {r.id: r.residual_score for r in risks.scores if r.id in high}
        reasons.append(Reason("risk_high", {
            "risk": high, "score": max(scores.values()), "threshold": _band_min(forms, "high")}))
    elif benefit.level == "high":
        outcome = "open"
        reasons.append(Reason("benefit_high", {"score": benefit.score,
                                               "threshold": _benefit_min(forms, "high")}))
    elif benefit.level == "medium" and cost_ok:
        outcome = "open"
        reasons.append(Reason("benefit_medium_cost_ok", {
            "score": benefit.score, "cost_level": costs.level, "total": costs.total_eur}))
    else:
        outcome = "open_low_priority"
        if benefit.level == "medium":
            reasons.append(Reason("benefit_medium_cost_high", {
                "score": benefit.score, "total": costs.total_eur,
                "threshold": _cost_min(forms, "high")}))
        else:
            reasons.append(Reason("benefit_low", {"score": benefit.score,
                                                  "threshold": _benefit_min(forms, "medium")}))

    if risks.profile == "not_assessed" and outcome.startswith("open"):
        notes.append(Reason("risk_not_assessed_note", {}))
    if not costs.estimated and outcome.startswith("open"):
        notes.append(Reason("cost_not_estimated_note", {}))

    if hvd is not None:
        reasons.append(Reason("hvd_obligation", {"category": hvd.category,
                                                 "legislation": hvd.legislation_uri}))
        if outcome == "open_low_priority":
            outcome = "open"
            reasons.append(Reason("hvd_overrides_low_benefit", {"score": benefit.score}))
        elif outcome in ("do_not_open", "limited_access"):
            if blocking or limiting:
                reasons += [Reason("hvd_gate_conflict", {"gate": g.id})
                            for g in [*blocking, *limiting]]
            else:
                reasons.append(Reason("hvd_risk_conflict", {"risk": critical}))
    reasons.append(Reason("indicative_only", {}))
    return Recommendation(outcome, tuple(reasons), tuple(notes))


def _band_min(forms: Forms, level: str) -> float:
    return next(b.min for b in forms.hrk.risks.levels if b.id == level)


def _benefit_min(forms: Forms, level: str) -> float:
    return next(b.min for b in forms.hrk.benefits.levels if b.id == level)


def _cost_min(forms: Forms, level: str) -> float:
    return next(b.min for b in forms.hrk.costs.levels if b.id == level)
