"""A decision's review date: the decision's date plus the form's review interval, stored when
the decision is recorded (a date set by hand stays)."""

from __future__ import annotations

from datetime import date

from hrk_workbench.forms.loader import Forms
from hrk_workbench.model.assessment import Assessment


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
