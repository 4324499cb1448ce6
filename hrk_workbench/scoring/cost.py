"""Costs: euros per line (person-days at the day rate plus euros), totals and level."""

from __future__ import annotations

from dataclasses import dataclass

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.scoring.levels import level_for, level_params, number


@dataclass(frozen=True)
class CostLineResult:
    id: str
    one_off_eur: float
    yearly_eur: float


@dataclass(frozen=True)
class CostResult:
    day_rate_eur: float
    lines: tuple[CostLineResult, ...]
    one_off_eur: float
    yearly_eur: float
    horizon_years: int
    total_eur: float
    level: str
    estimated: bool
    reasons: tuple[Reason, ...]


def score_costs(assessment: Assessment, forms: Forms) -> CostResult:
    section = forms.hrk.costs
    rate = assessment.costs.day_rate_eur or section.day_rate_eur
    lines = []
    days = 0.0
    for cid, line in assessment.costs.lines.items():
        days += line.one_off_days + line.yearly_days
        lines.append(CostLineResult(
            cid,
            number(line.one_off_days * rate + line.one_off_eur),
            number(line.yearly_days * rate + line.yearly_eur),
        ))
    one_off = number(sum(line.one_off_eur for line in lines))
    yearly = number(sum(line.yearly_eur for line in lines))
    years = section.horizon_years
    total = number(one_off + years * yearly)
    match = level_for(total, section.levels)
    estimated = any(line.one_off_eur or line.yearly_eur for line in lines)
    reasons = [
        Reason("cost_totals", {"one_off": one_off, "yearly": yearly, "years": years,
                               "total": total}),
        Reason("cost_day_rate", {"day_rate": number(rate), "days": number(days),
                                 "default": assessment.costs.day_rate_eur is None}),
        Reason("cost_level" if match.upper is not None else "cost_level_top",
               {**level_params(total, match, "total"), "years": years}),
    ]
    if not estimated:
        reasons.append(Reason("cost_not_estimated", {}))
    return CostResult(number(rate), tuple(lines), one_off, yearly, years, total, match.level,
                      estimated, tuple(reasons))
