"""The demo's dates: spread over the current quarter, never after today (the services refuse a
service date in the future), and the assessment period a yearly campaign would use."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casemgmt.promotion.services import quarter_of
from casemgmt.scorecard.models import quarter_start


def today() -> datetime.date:
    return timezone.localdate()


def current_quarter() -> str:
    """E.g. "2026Q2"."""
    return quarter_of(today())


def in_quarter(step: int, steps: int) -> datetime.date:
    """The `step`-th of `steps` days spaced evenly from the quarter's first day up to today (on the
    quarter's first day, every step is today)."""
    first = quarter_start(current_quarter())
    span = (today() - first).days
    return first + datetime.timedelta(days=span * step // max(steps - 1, 1))


def assessment_period() -> tuple[datetime.date, datetime.date]:
    """The calendar year, as the yearly assessment campaign opens it."""
    year = today().year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def next_quarter_end() -> datetime.date:
    """The end of the quarter after this one: a plausible deadline for guidance."""
    first = quarter_start(current_quarter())
    month = first.month + 6
    year = first.year + (month - 1) // 12
    following = datetime.date(year, (month - 1) % 12 + 1, 1)
    return following - datetime.timedelta(days=1)
