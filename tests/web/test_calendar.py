"""The working-day calendar: weekends, holidays, make-up working days, the National Day week, the
holiday loader, and due dates of new human tasks counted in working days."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casemgmt.models import CalendarDay, Membership, OrgUnit, SavedFilter
from casemgmt.org import calendar
from casemgmt.org.calendar import SHANGHAI, add_working_days, is_working_day, working_day_deadline
from tests.personas import OPERATOR_A, Cast
from workflows import instances, registry
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    # The calendar is cached per process; a test's rows vanish with its transaction, the cache
    # would not: start and end every test with an empty cache.
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def golden_week() -> None:
    """2025's National Day and Mid-Autumn holiday: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 worked."""
    for day in range(1, 9):
        CalendarDay.objects.create(date=date(2025, 10, day), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    CalendarDay.objects.create(date=date(2025, 9, 28), kind=CalendarDay.Kind.WORKDAY, name="国庆节调休")
    CalendarDay.objects.create(date=date(2025, 10, 11), kind=CalendarDay.Kind.WORKDAY, name="国庆节调休")


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def test_weekdays_weekends_holidays_and_make_up_days(golden_week: None) -> None:
    assert is_working_day(date(2025, 9, 26))  # Friday
    assert not is_working_day(date(2025, 9, 27))  # Saturday
    assert is_working_day(date(2025, 9, 28))  # Sunday, worked to make up for the holiday
    assert not is_working_day(date(2025, 10, 1))  # Wednesday, National Day
    assert not is_working_day(date(2025, 10, 8))  # Wednesday, still the holiday
    assert is_working_day(date(2025, 10, 9))
    assert is_working_day(date(2025, 10, 11))  # Saturday, worked
    assert not is_working_day(date(2025, 10, 12))  # Sunday


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (at("2025-09-30"), 0, at("2025-09-30")),
        (at("2025-09-30"), 1, at("2025-10-09")),  # the whole week off is skipped
        (at("2025-09-30"), 2, at("2025-10-10")),
        (at("2025-09-30"), 3, at("2025-10-11")),  # a Saturday, but worked
        (at("2025-09-30"), 4, at("2025-10-13")),
        (at("2025-09-26", 17, 30), 1, at("2025-09-28", 17, 30)),  # Friday → the make-up Sunday
        (at("2025-09-26", 17, 30), 2, at("2025-09-29", 17, 30)),
        (at("2025-10-04"), 1, at("2025-10-09")),  # started during the holiday
        (at("2025-10-10"), 1, at("2025-10-11")),
        (at("2025-10-11"), 1, at("2025-10-13")),
    ],
)
def test_add_working_days_across_the_2025_national_day_week(
    golden_week: None, start: datetime, days: int, due: datetime
) -> None:
    assert add_working_days(start, days) == due


def test_add_working_days_counts_in_shanghai_time(golden_week: None) -> None:
    # 20:00 UTC on Sep 30 is 04:00 on Oct 1 in Shanghai: a holiday, so one day is Oct 9.
    start = datetime(2025, 9, 30, 20, 0, tzinfo=ZoneInfo("UTC"))
    due = add_working_days(start, 1)
    assert due == at("2025-10-09", 4) and due.utcoffset() == timedelta(hours=8)
    assert add_working_days(datetime(2025, 9, 30, 10, 0), 1) == at("2025-10-09")  # naive = Shanghai


def test_without_calendar_entries_only_weekends_are_off() -> None:
    assert add_working_days(at("2025-09-26"), 1) == at("2025-09-29")
    assert add_working_days(at("2025-09-30"), 1) == at("2025-10-01")


def test_out_of_range_and_impossible_requests_are_errors() -> None:
    with pytest.raises(ValueError):
        add_working_days(at("2025-09-30"), -1)
    with pytest.raises(ValueError):
        add_working_days(at("2025-09-30"), calendar.MAX_WORKING_DAYS + 1)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date(2030, 1, 1) + timedelta(days=n), kind=CalendarDay.Kind.HOLIDAY)
        for n in range(400)
    )
    calendar.clear_cache()  # bulk_create sends no signals
    with pytest.raises(ValueError, match="no 1 working days"):
        add_working_days(at("2029-12-31"), 1)


def test_editing_the_calendar_takes_effect_at_once() -> None:
    assert is_working_day(date(2025, 10, 1))
    entry = CalendarDay.objects.create(date=date(2025, 10, 1), kind=CalendarDay.Kind.HOLIDAY)
    assert not is_working_day(date(2025, 10, 1))
    entry.delete()
    assert is_working_day(date(2025, 10, 1))


def test_load_holidays_is_idempotent_and_respects_edits() -> None:
    out = StringIO()
    call_command("load_holidays", stdout=out)
    total = CalendarDay.objects.count()
    assert total > 90 and "0 updated" in out.getvalue()
    national = CalendarDay.objects.get(date=date(2025, 10, 1))
    assert (national.kind, national.name) == (CalendarDay.Kind.HOLIDAY, "国庆节")
    assert CalendarDay.objects.get(date=date(2025, 10, 11)).kind == CalendarDay.Kind.WORKDAY
    assert CalendarDay.objects.get(date=date(2025, 9, 28)).name == "国庆节调休"
    assert {d.year for d in CalendarDay.objects.values_list("date", flat=True)} == {2024, 2025, 2026}
    # 2026's Spring Festival: Feb 15–23 off, Sat Feb 28 worked.
    assert CalendarDay.objects.get(date=date(2026, 2, 16)).kind == CalendarDay.Kind.HOLIDAY
    again = StringIO()
    call_command("load_holidays", stdout=again)
    assert (
        CalendarDay.objects.count() == total and f"0 added, 0 updated, {total} unchanged" in again.getvalue()
    )
    # An administrator's correction survives a reload, unless --overwrite is asked for.
    CalendarDay.objects.filter(date=date(2025, 10, 8)).update(kind=CalendarDay.Kind.WORKDAY, name="改")
    call_command("load_holidays", stdout=StringIO())
    assert CalendarDay.objects.get(date=date(2025, 10, 8)).name == "改"
    call_command("load_holidays", "--overwrite", stdout=StringIO())
    assert CalendarDay.objects.get(date=date(2025, 10, 8)).kind == CalendarDay.Kind.HOLIDAY
    calendar.clear_cache()
    assert add_working_days(at("2025-09-30"), 3) == at("2025-10-11")


def test_load_holidays_warns_about_years_the_package_does_not_know() -> None:
    err = StringIO()
    call_command("load_holidays", "--from-year", "2026", "--to-year", "2099", stdout=StringIO(), stderr=err)
    assert "no data for 2099" in err.getvalue()


def test_the_engine_counts_due_dates_in_working_days(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], golden_week: None, monkeypatch: Any
) -> None:
    assert registry.due_date_policy() is working_day_deadline
    deploy_fixture("approval")
    monkeypatch.setattr(timezone, "now", lambda: at("2025-09-30"))
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="SQ-国庆"
    )
    submit = HumanTask.objects.get(instance=instance)
    # "dueInDays" = 3 in the diagram: Oct 9, Oct 10, and the make-up Saturday Oct 11, to its end.
    assert submit.due_at == at("2025-10-11", 23, 59) + timedelta(seconds=59)


def test_the_engine_default_is_calendar_days(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], golden_week: None, monkeypatch: Any
) -> None:
    deploy_fixture("approval")
    monkeypatch.setattr(timezone, "now", lambda: at("2025-09-30"))
    registry.set_due_date_policy(None)
    try:
        instance = instances.start_instance(
            "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="SQ-日历"
        )
    finally:
        registry.set_due_date_policy(working_day_deadline)
    assert HumanTask.objects.get(instance=instance).due_at == at("2025-10-03")


def test_admin_edits_the_calendar(cast: Cast, golden_week: None) -> None:
    for model in (CalendarDay, OrgUnit, Membership, SavedFilter):
        assert model in admin.site._registry
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client = Client()
    client.force_login(cast.admin, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get(reverse("admin:casemgmt_calendarday_changelist"))
    assert listing.status_code == 200 and "国庆节调休" in listing.content.decode()
    added = client.post(
        reverse("admin:casemgmt_calendarday_add"), {"date": "2025-12-31", "kind": "holiday", "name": "测试"}
    )
    assert added.status_code == 302
    assert not is_working_day(date(2025, 12, 31))
