"""Rank many assessments so an organisation with limited resources opens the best first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hrk_workbench.forms import Forms
from hrk_workbench.model import Assessment

from .summary import HrkSummary, summarise


@dataclass(frozen=True)
class PortfolioEntry:
    rank: int
    source: str
    title: str
    summary: HrkSummary


def rank_assessments(
    items: list[tuple[str, Assessment]], forms: Forms, lang: str = "en"
) -> list[PortfolioEntry]:
    """Rank by recommendation class, then benefit score (high first), then cost (low first).

    ``items`` pairs a source name (file path) with its assessment; the source and title break
    remaining ties so the order is the same on every run.
    """
    order = {outcome: i for i, outcome in enumerate(forms.hrk.portfolio_order)}
    scored = [(src, a, summarise(a, forms)) for src, a in items]
    scored.sort(key=lambda t: (order[t[2].recommendation.outcome], -t[2].benefit.score,
                               t[2].costs.total_eur, t[1].title(lang), t[0]))
    return [PortfolioEntry(i + 1, src, a.title(lang) or Path(src).name, s)
            for i, (src, a, s) in enumerate(scored)]
