"""HRK scoring: benefit potential, risk profile and costs, and which answers a recommendation
needs (the recommendation itself, which reads every rule, is in :mod:`hrk_workbench.decision`)."""

from hrk_workbench.scoring.benefit import BenefitResult, round_half_up, score_benefits
from hrk_workbench.scoring.cost import CostResult, score_costs
from hrk_workbench.scoring.levels import level_for
from hrk_workbench.scoring.risk import RiskResult, RiskScore, risk_score, score_risks

__all__ = [
    "BenefitResult",
    "CostResult",
    "RiskResult",
    "RiskScore",
    "level_for",
    "risk_score",
    "round_half_up",
    "score_benefits",
    "score_costs",
    "score_risks",
]
