"""HRK scoring: benefit potential, risk profile, costs, recommendation and portfolio rank."""

from .benefit import BenefitResult, round_half_up, score_benefits
from .cost import CostResult, score_costs
from .levels import level_for
from .portfolio import PortfolioEntry, rank_assessments
from .recommendation import Recommendation, recommend
from .risk import RiskResult, RiskScore, risk_score, score_risks
from .summary import HrkSummary, summarise

__all__ = [
    "BenefitResult",
    "CostResult",
    "HrkSummary",
    "PortfolioEntry",
    "Recommendation",
    "RiskResult",
    "RiskScore",
    "level_for",
    "rank_assessments",
    "recommend",
    "risk_score",
    "round_half_up",
    "score_benefits",
    "score_costs",
    "score_risks",
    "summarise",
]
