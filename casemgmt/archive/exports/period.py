"""The period a 服务情况统计表 or an outcome list covers, from two optional query parameters."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from casemgmt.archive.exports.sheet_data import Period
from casemgmt.org.calendar import SHANGHAI
from core.errors import FieldError, InvalidInput

# Dates far outside the programme's life are typing errors (and year 9999 would overflow the
# exclusive end bound).
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def today() -> date:
    return timezone.localtime(timezone.now(), SHANGHAI).date()


def parse_period(start: str | None, end: str | None) -> Period:
    """`from`/`to` as YYYY-MM-DD, both inclusive; by default the current year up to today."""
    errors: list[FieldError] = []
    now = today()
    first = parse_day("from", start, errors) or date(now.year, 1, 1)
    last = parse_day("to", end, errors) or now
    if not errors and first > last:
        errors.append(
            FieldError(
                "to", "before_start", "结束日期不能早于开始日期。", "The end date is before the start date."
            )
        )
    if errors:
        raise InvalidInput("The period is invalid.", "统计期间有误。", fields=errors)
    return Period(first, last)


def parse_bounds(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """Optional `from`/`to` filters (either may be missing); InvalidInput on a bad date."""
    errors: list[FieldError] = []
    first, last = parse_day("from", start, errors), parse_day("to", end, errors)
    if errors:
        raise InvalidInput("The period is invalid.", "统计期间有误。", fields=errors)
    return first, last


def parse_day(name: str, value: str | None, errors: list[FieldError]) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        errors.append(
            FieldError(name, "invalid", "日期格式应为 YYYY-MM-DD。", "Give the date as YYYY-MM-DD.")
        )
        return None
    if not EARLIEST <= day <= LATEST:
        errors.append(
            FieldError(
                name,
                "out_of_range",
                "日期超出允许范围（1900—2999年）。",
                "The date is out of range (1900–2999).",
            )
        )
        return None
    return day
