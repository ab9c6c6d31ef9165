"""Timers: due instances are advanced by the beat job, in a real worker, skipping locked rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from config.celery import app
from tests.live_worker import LiveWorker
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.instances import fire_due_timers
from workflows.models import HumanTask, InstanceStatus, ProcessInstance


def start_timer_case(cast: Cast, timeout: str) -> ProcessInstance:
    return instances.start_instance(
        "timer", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"timeout": timeout}
    )


def test_beat_schedule_runs_the_sweep_every_poll_interval() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["fire-due-timers"]
    assert entry["task"] == "workflows.fire_due_timers"
    assert entry["schedule"] == float(settings.NQI_TIMER_POLL_SECONDS)
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert "workflows.fire_due_timers" in app.tasks


@pytest.mark.django_db
def test_next_timer_at_is_stored_after_each_save(cast: Cast, deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("timer")
    before = timezone.now()
    case = start_timer_case(cast, "PT2H")
    assert case.next_timer_at is not None
    assert (
        before + timedelta(hours=2) - timedelta(seconds=5)
        < case.next_timer_at
        < timezone.now() + timedelta(hours=2)
    )
    assert fire_due_timers() == 0, "not due yet"
    human_tasks.complete(case.human_tasks.get().pk, actor=cast.operator_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED and case.next_timer_at is None


@pytest.mark.django_db
def test_due_timer_fires_the_boundary_event(cast: Cast, deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("timer")
    case = start_timer_case(cast, "PT1S")
    time.sleep(1.2)
    assert fire_due_timers() == 1
    case.refresh_from_db()
    assert case.next_timer_at is None
    rows = dict(case.human_tasks.values_list("task_spec", "status"))
    assert rows == {"match": "cancelled", "escalated": "open"}
    assert case.human_tasks.get(task_spec="escalated").candidate_group == "office_staff@office-fangsong"
    assert AuditEvent.objects.filter(instance_id=case.pk, action="timer.fired").exists()


@pytest.mark.django_db(transaction=True)
@override_settings(NQI_TIMER_WAKE_UPS=False)  # this test is the only sweeper: no wake-up job races it
def test_sweep_skips_rows_locked_by_another_sweeper(cast: Cast, deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("timer")
    locked_case = start_timer_case(cast, "PT1S")
    free_case = start_timer_case(cast, "PT1S")
    time.sleep(1.2)
    holding, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        try:
            with transaction.atomic():
                ProcessInstance.objects.select_for_update().get(pk=locked_case.pk)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert holding.wait(10)
    try:
        assert fire_due_timers() == 1, "the locked instance is skipped, not waited for"
    finally:
        release.set()
        holder.join()
    free_case.refresh_from_db()
    locked_case.refresh_from_db()
    assert free_case.human_tasks.filter(task_spec="escalated").exists()
    assert not locked_case.human_tasks.filter(task_spec="escalated").exists()
    assert fire_due_timers() == 1
    assert locked_case.human_tasks.filter(task_spec="escalated").exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_boundary_timer_through_a_real_worker(
    cast: Cast, deploy_fixture: Callable[[str], Any], celery_worker_process: LiveWorker
) -> None:
    deploy_fixture("timer")
    case = start_timer_case(cast, "PT1S")
    time.sleep(1.2)
    # What beat sends every minute, sent now, through the real broker to the real worker.
    app.send_task("workflows.fire_due_timers")

    def escalated() -> bool:
        return HumanTask.objects.filter(instance=case, task_spec="escalated", status="open").exists()

    celery_worker_process.wait_until(escalated)
    case.refresh_from_db()
    assert case.status == InstanceStatus.RUNNING and case.next_timer_at is None
