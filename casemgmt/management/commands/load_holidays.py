"""manage.py load_holidays — China's public holidays and make-up working days into CalendarDay.

The dates come from the PyPI package `chinese_calendar` (the State Council's yearly notices).
Idempotent: a second run changes nothing. Dates already in the calendar are kept as they are
(an administrator's correction in the admin wins) unless --overwrite is given.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import chinese_calendar
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from casemgmt.models import CalendarDay

DEFAULT_YEARS = (2024, 2026)

# chinese_calendar names holidays in English; the calendar shows them the way the notices do.
CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _name(english: object) -> str:
    text = str(english or "")
    return CHINESE_NAMES.get(text, text)[:100]


def entries_for(first: int, last: int) -> dict[date, tuple[str, str]]:
    """{date: (kind, name)} for the years first..last from the package's tables."""
    found: dict[date, tuple[str, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        if first <= day.year <= last:
            found[day] = (CalendarDay.Kind.HOLIDAY, _name(name))
    for day, name in chinese_calendar.workdays.items():
        if first <= day.year <= last:
            found[day] = (CalendarDay.Kind.WORKDAY, f"{_name(name)}调休"[:100])
    return found


class Command(BaseCommand):
    help = "Load China's public holidays and make-up working days (调休) into the working-day calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from-year", type=int, default=DEFAULT_YEARS[0])
        parser.add_argument("--to-year", type=int, default=DEFAULT_YEARS[1])
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="reset dates already in the calendar to the package's data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["from_year"], options["to_year"]
        if first > last:
            raise CommandError("--from-year must not be after --to-year")
        entries = entries_for(first, last)
        known_years = {day.year for day in entries}
        for year in range(first, last + 1):
            if year not in known_years:
                # The package knows the years whose notices were out when it was released.
                self.stderr.write(
                    f"chinese_calendar {chinese_calendar.__version__} has no data for {year}; "
                    "upgrade it or enter that year's days in the admin"
                )
        created = updated = kept = 0
        with transaction.atomic():
            existing = {row.date: row for row in CalendarDay.objects.filter(date__in=list(entries))}
            for day, (kind, name) in sorted(entries.items()):
                row = existing.get(day)
                if row is None:
                    CalendarDay.objects.create(date=day, kind=kind, name=name)
                    created += 1
                elif options["overwrite"] and (row.kind, row.name) != (kind, name):
                    row.kind, row.name = kind, name
                    row.save(update_fields=["kind", "name"])
                    updated += 1
                else:
                    kept += 1
        self.stdout.write(f"calendar {first}–{last}: {created} added, {updated} updated, {kept} unchanged")
