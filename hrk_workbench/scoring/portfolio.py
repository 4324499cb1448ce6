"""Rank many assessments so an organisation with limited resources opens the best first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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


# --- review dates and data changed (issue 33) -----------------------------------------------

def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; the 31st becomes the month's last day (29 Feb -> 28 Feb)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_due(assessment: Assessment, forms: Forms) -> date | None:
    """The decision's date plus the form's ``review_interval_months``; None undecided."""
    d = assessment.decision
    if d.date is None or not d.outcome:
        return None
    return add_months(d.date, forms.hrk.review_interval_months)


def fill_review_due(before: Assessment, after: Assessment, forms: Forms) -> None:
    """When a decision is recorded (outcome and date), store its review date: one set by
    hand stays; one that was the default follows a changed decision date."""
    was = default_review_due(before, forms)
    now = default_review_due(after, forms)
    current = after.decision.review_due
    if now is not None and (current is None or current == was) and current != now:
        after.decision.review_due = now


def review_due(assessment: Assessment, forms: Forms) -> date | None:
    """The stored review date, else the default one (a file from before it was stored)."""
    return assessment.decision.review_due or default_review_due(assessment, forms)


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
