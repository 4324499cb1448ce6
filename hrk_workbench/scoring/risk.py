"""Risks: likelihood x impact, residual after mitigation, and the profile over all risks."""

from __future__ import annotations

from dataclasses import dataclass

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.scoring.levels import level_for


@dataclass(frozen=True)
class RiskScore:
    id: str
    likelihood: int
    impact: int
    score: int
    level: str
    residual_score: int
    residual_level: str
    residual_given: bool
    residual_incomplete: bool


@dataclass(frozen=True)
class RiskResult:
    scores: tuple[RiskScore, ...]
    profile: str
    counts: dict[str, int]
    unanswered: tuple[str, ...]
    reasons: tuple[Reason, ...]

    def by_level(self, level: str) -> list[str]:
        """Ids of the answered risks whose residual level is ``level``."""
        return [r.id for r in self.scores if r.residual_level == level]


def risk_score(likelihood: int, impact: int, forms: Forms) -> tuple[int, str]:
    """The score of a likelihood and impact and its level: the one rule behind every risk's
    score and every cell of a risk matrix."""
    score = likelihood * impact
    return score, level_for(score, forms.hrk.risks.levels).level


def _on(scale_min: int, scale_max: int, value: int | None) -> bool:
    return value is not None and scale_min <= value <= scale_max


def score_risks(assessment: Assessment, forms: Forms) -> RiskResult:
    section = forms.hrk.risks
    lk, im = section.likelihood, section.impact
    level_order = [b.id for b in section.levels]
    ids = [q.id for q in section.questions]
    ids += [rid for rid in assessment.risks if rid not in ids]  # answers to retired questions
    scores, unanswered, reasons = [], [], []
    for rid in ids:
        ans = assessment.risks.get(rid)
        if ans is None or not (_on(lk.min, lk.max, ans.likelihood)
                               and _on(im.min, im.max, ans.impact)):
            if rid in {q.id for q in section.questions}:
                unanswered.append(rid)
            continue
        score, level = risk_score(ans.likelihood, ans.impact, forms)  # type: ignore[arg-type]
        rl, ri = ans.residual_likelihood, ans.residual_impact
        residual_ok = _on(lk.min, lk.max, rl) and _on(im.min, im.max, ri)
        incomplete = not residual_ok and (rl is not None or ri is not None)
        residual, residual_level = (risk_score(rl, ri, forms) if residual_ok  # type: ignore[arg-type]
                                    else (score, level))
        scores.append(RiskScore(rid, ans.likelihood, ans.impact, score, level,  # type: ignore[arg-type]
                                residual, residual_level, residual_ok, incomplete))
        reasons.append(Reason("risk_scored", {
            "risk": rid, "likelihood": ans.likelihood, "impact": ans.impact,
            "score": score, "level": level}))
        if residual_ok:
            reasons.append(Reason("risk_residual", {
                "risk": rid, "likelihood": rl, "impact": ri, "score": residual,
                "level": residual_level}))
        elif incomplete:
            reasons.append(Reason("risk_residual_incomplete", {"risk": rid, "score": score}))
    counts = {lvl: sum(1 for s in scores if s.residual_level == lvl) for lvl in level_order}
    if scores:
        profile = max((s.residual_level for s in scores), key=level_order.index)
        reasons.append(Reason("risk_profile", {"profile": profile, "answered": len(scores),
                                               **counts}))
    else:
        profile = "not_assessed"
        reasons.append(Reason("risk_not_assessed", {}))
    if unanswered:
        reasons.append(Reason("risk_unanswered", {"risk": unanswered, "count": len(unanswered)}))
    return RiskResult(tuple(scores), profile, counts, tuple(unanswered), tuple(reasons))
