"""Waiting timers across a migration: they keep the time they fall due by default (as Camunda
does); restarting them is asked for explicitly; one overdue by the move fires instead of being
re-armed."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.personas import OPERATOR_A, Cast
from workflows import instances, migration
from workflows.models import InstanceStatus, ProcessInstance, ProcessModelVersion

from .test_migration import deploy_variant

pytestmark = pytest.mark.django_db


def renamed(xml: str) -> str:
    return xml.replace('name="市场监管所协助对接"', 'name="市场监管所协助对接（新）"')


@pytest.fixture
def v1(deploy_fixture: Callable[[str], ProcessModelVersion]) -> ProcessModelVersion:
    return deploy_fixture("timer")


def waiting(cast: Cast, timeout: str) -> ProcessInstance:
    return instances.start_instance(
        "timer", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"timeout": timeout}
    )


def test_a_waiting_timer_keeps_its_due_time(v1: ProcessModelVersion, cast: Cast) -> None:
    case = waiting(cast, "PT2H")
    due = case.next_timer_at
    assert due is not None
    deploy_variant(v1, renamed, key="timer")
    time.sleep(0.05)
    found = migration.plan(case.pk, actor=cast.admin)
    assert found.restarted_timers == [] and [t["task"] for t in found.kept_timers] == ["too_slow"]
    migration.migrate(case.pk, actor=cast.admin, reason="改名", expected=found.fingerprint)
    case.refresh_from_db()
    assert case.version.number == 2 and case.next_timer_at == due


def test_restarting_timers_is_asked_for(v1: ProcessModelVersion, cast: Cast) -> None:
    case = waiting(cast, "PT2H")
    due = case.next_timer_at
    assert due is not None
    deploy_variant(v1, renamed, key="timer")
    time.sleep(0.05)
    found = migration.plan(case.pk, actor=cast.admin, restart_timers=True)
    assert found.restarted_timers == ["too_slow"] and found.kept_timers == []
    migration.migrate(case.pk, actor=cast.admin, reason="重新计时", restart_timers=True)
    case.refresh_from_db()
    assert case.next_timer_at is not None and case.next_timer_at > due


def test_a_timer_overdue_by_the_move_fires_instead_of_being_re_armed(
    v1: ProcessModelVersion, cast: Cast
) -> None:
    case = waiting(cast, "PT1S")
    deploy_variant(v1, renamed, key="timer")
    time.sleep(1.2)  # due now, and no sweep has come round yet
    migration.migrate(case.pk, actor=cast.admin, reason="改名")
    case.refresh_from_db()
    assert case.status == InstanceStatus.WAITING or case.status == InstanceStatus.RUNNING
    assert list(case.human_tasks.filter(status="open").values_list("task_spec", flat=True)) == ["escalated"]
