"""Rank many assessments so an organisation with limited resources opens the best first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hrk_workbench.decision.summary import HrkSummary, summarise
from hrk_workbench.forms.loader import Forms
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.review_date import review_due


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


# --- review dates and data changed (issue 33) -----------------------------------------------



@dataclass(frozen=True)
class Attention:
    """Why an assessment needs looking at again: its review is due, its data changed."""

    source: str
    title: str
    review_due: date | None
    due: bool
    data_changed: tuple[str, ...]  # the changed or missing files, as recorded

    @property
    def needed(self) -> bool:
        return self.due or bool(self.data_changed)

    def to_dict(self) -> dict[str, object]:
        return {"file": self.source, "title": self.title,
                "review_due": self.review_due.isoformat() if self.review_due else None,
                "review_is_due": self.due, "data_changed": list(self.data_changed)}


def attention(source: str, assessment: Assessment, forms: Forms, lang: str = "en",
              today: date | None = None) -> Attention:
    """Whether ``assessment`` (read from the file ``source``) is due for review on ``today``
    or measured on data that changed since (its lab results' fingerprints)."""
    from hrk_workbench.disclosure.fingerprints import stale_results

    due_day = review_due(assessment, forms)
    today = today or date.today()
    changed = tuple(dict.fromkeys(s.path for s in stale_results(assessment, source)))
    return Attention(source, assessment.title(lang) or Path(source).name, due_day,
                     due_day is not None and due_day <= today, changed)
