"""Working days in Shanghai: Monday to Friday, minus public holidays, plus make-up working days (调休).

Due dates of human tasks count working days (registered with the engine in engine_bindings), so
this runs on the hot path of every engine turn that opens a task. The calendar holds a few dozen
rows per year and changes a few times a year, so the whole table is cached per process (for
NQI_CALENDAR_CACHE_SECONDS, a minute by default) and dropped at once when a row is saved or
deleted here.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from datetime import time as wall_time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from casemgmt.models import CalendarDay

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Due dates are "in N working days" for N of a few weeks at most; a larger N is a diagram error,
# and the bound keeps a mistyped property from spinning through centuries of dates.
MAX_WORKING_DAYS = 3660

_cache: tuple[float, dict[date, str]] | None = None


@receiver([post_save, post_delete], sender=CalendarDay)
def _forget(**_: object) -> None:
    clear_cache()


def clear_cache() -> None:
    global _cache
    _cache = None


def _exceptions() -> dict[date, str]:
    global _cache
    if _cache is not None and time.monotonic() - _cache[0] < settings.NQI_CALENDAR_CACHE_SECONDS:
        return _cache[1]
    entries = dict(CalendarDay.objects.values_list("date", "kind"))
    _cache = (time.monotonic(), entries)
    return entries


def _working(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    """Weekends are off unless listed as a make-up working day; listed holidays are off."""
    return _working(day, _exceptions())


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start`, at the same Shanghai wall-clock time.

    Days are counted from the day after `start`: created on Friday afternoon, due in one working
    day is Monday afternoon; created on a holiday, the first working day after it counts as one.
    """
    if days < 0 or days > MAX_WORKING_DAYS:
        raise ValueError(f"working days must be between 0 and {MAX_WORKING_DAYS}, not {days}")
    local = start.astimezone(SHANGHAI) if start.tzinfo is not None else start.replace(tzinfo=SHANGHAI)
    if days == 0:
        return local
    exceptions = _exceptions()
    day = local.date()
    counted = 0
    # Even a calendar of nothing but holidays must end: a week per working day plus a year.
    for _ in range(days * 7 + 366):
        day += timedelta(days=1)
        if _working(day, exceptions):
            counted += 1
            if counted == days:
                return datetime.combine(day, local.timetz())
    raise ValueError(f"the calendar has no {days} working days after {local.date().isoformat()}")


def working_day_deadline(start: datetime, days: int) -> datetime:
    """A task's due date: the end (Shanghai) of the day `days` working days after `start`. A
    working-day deadline is a date; a task is overdue only once that whole day has passed."""
    day = add_working_days(start, days)
    return datetime.combine(day.date(), wall_time(23, 59, 59), tzinfo=SHANGHAI)
