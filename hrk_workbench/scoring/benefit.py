"""Benefit potential: a weighted share of the maximum ratings, 0–100, and its level."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.scoring.levels import level_for, level_params, number


@dataclass(frozen=True)
class BenefitResult:
    score: int
    level: str
    weighted: float
    maximum: float
    unanswered: tuple[str, ...]
    reasons: tuple[Reason, ...]


def round_half_up(value: Fraction) -> int:
    """Round halves upwards (66.5 -> 67), unlike Python's round-half-to-even."""
    return floor(value + Fraction(1, 2))


def score_benefits(assessment: Assessment, forms: Forms) -> BenefitResult:
    section = forms.hrk.benefits
    top = section.scale.max
    weighted = Fraction(0)
    maximum = Fraction(0)
    unanswered = []
    for q in section.questions:
        weight = Fraction(q.weight).limit_denominator(10**6)
        maximum += weight * top
        answer = assessment.benefits.get(q.id)
        value = answer.value if answer else None
        if value is None or not section.scale.min <= value <= top:
            unanswered.append(q.id)
            continue
        weighted += weight * value
    score = round_half_up(100 * weighted / maximum) if maximum else 0
    match = level_for(score, section.levels)
    reasons = [
        Reason("benefit_score", {"score": score, "weighted": number(float(weighted)),
                                 "maximum": number(float(maximum))}),
        Reason("benefit_level" if match.upper is not None else "benefit_level_top",
               level_params(score, match, "score")),
    ]
    if unanswered:
        reasons.append(Reason("benefit_unanswered", {"benefit": unanswered,
                                                     "count": len(unanswered)}))
    return BenefitResult(score, match.level, number(float(weighted)), number(float(maximum)),
                         tuple(unanswered), tuple(reasons))
