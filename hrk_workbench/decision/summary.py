"""The HRK summary of one assessment: every score, the recommendation and all reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hrk_workbench.decision.recommendation import Recommendation, recommend
from hrk_workbench.disclosure.need import advise_anonymisation
from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.i18n import render_all
from hrk_workbench.foundations.reasons import Reason
from hrk_workbench.hvd.status import HvdStatus, hvd_status
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.scoring.benefit import BenefitResult, score_benefits
from hrk_workbench.scoring.completeness import check_completeness
from hrk_workbench.scoring.cost import CostResult, score_costs
from hrk_workbench.scoring.risk import RiskResult, score_risks


@dataclass(frozen=True)
class HrkSummary:
    benefit: BenefitResult
    risks: RiskResult
    costs: CostResult
    recommendation: Recommendation
    hvd: HvdStatus | None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why the recommendation, then notes, then the benefit, risk and cost details."""
        return (*self.recommendation.reasons, *self.recommendation.notes,
                *self.benefit.reasons, *self.risks.reasons, *self.costs.reasons)

    def to_json(self, forms: Forms, lang: str = "en") -> dict[str, Any]:
        """The ``score --json`` document: stable keys, reasons both as text and as codes."""
        return {
            "benefit_score": self.benefit.score,
            "benefit_level": self.benefit.level,
            "benefits_unanswered": list(self.benefit.unanswered),
            "risk_profile": self.risks.profile,
            "risk_counts": dict(self.risks.counts),
            "risk_scores": {r.id: r.residual_score for r in self.risks.scores},
            "risks": [
                {"id": r.id, "likelihood": r.likelihood, "impact": r.impact, "score": r.score,
                 "level": r.level, "residual_score": r.residual_score,
                 "residual_level": r.residual_level,
                 "residual_incomplete": r.residual_incomplete}
                for r in self.risks.scores
            ],
            "risks_unanswered": list(self.risks.unanswered),
            "cost_day_rate_eur": self.costs.day_rate_eur,
            "cost_one_off_eur": self.costs.one_off_eur,
            "cost_yearly_eur": self.costs.yearly_eur,
            "cost_3y_eur": self.costs.total_eur,
            "cost_horizon_years": self.costs.horizon_years,
            "cost_level": self.costs.level,
            "hvd_category": self.hvd.category if self.hvd else None,
            "recommendation": self.recommendation.outcome,
            "conditions": [c.code for c in self.recommendation.conditions],
            "conditions_text": render_all(self.recommendation.conditions, lang, forms),
            "missing": list(self.recommendation.missing),
            "reasons": render_all(self.reasons, lang, forms),
            "reason_codes": [r.to_dict() for r in self.reasons],
        }


def summarise(assessment: Assessment, forms: Forms) -> HrkSummary:
    benefit = score_benefits(assessment, forms)
    risks = score_risks(assessment, forms)
    costs = score_costs(assessment, forms)
    hvd = hvd_status(assessment, forms)
    rec = recommend(assessment, forms, benefit, risks, costs, hvd,
                    check_completeness(assessment, forms), advise_anonymisation(assessment, forms))
    return HrkSummary(benefit, risks, costs, rec, hvd)
