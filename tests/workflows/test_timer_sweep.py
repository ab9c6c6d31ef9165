"""Timers at scale: a backlog drained by chained sweep jobs, wake-ups at a timer's due time, a
timer racing a completion, and a failing instance that does not stop the sweep.

The worker tests run on the real worker of tests/live_worker.py (no beat runs in tests: whatever
fires there was sent by the test or queued by the code under test)."""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from audit.verify import verify_chain
from config.celery import app
from core.errors import Conflict
from tests.concurrency import run_concurrently
from tests.live_worker import LiveWorker
from tests.personas import OPERATOR_A, Cast
from tests.test_settings import import_settings
from workflows import human_tasks, instances, timer_sweep, timer_wake
from workflows.models import HumanTask, InstanceStatus, ProcessInstance

SWEEP = "workflows.fire_due_timers"
_JOB_DONE = re.compile(r"Task workflows\.fire_due_timers\[[^\]]+\] succeeded in [0-9.]+s: (\d+)")


def start_waiting(cast: Cast, timeout: str = "PT1H") -> ProcessInstance:
    """An instance of tests/workflows/bpmn/timer.bpmn: the operator's task with a boundary timer
    (an hour: beyond the wake-up horizon, so nothing is queued for it)."""
    return instances.start_instance(
        "timer", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"timeout": timeout}
    )


def make_due(*cases: ProcessInstance, seconds_ago: float = 1.0) -> None:
    """Move each instance's armed timer into the past, as if its hour had passed: the target the
    engine keeps in the timer task's internal data (`event_value`), and the column the sweep
    selects by. Nothing is queued: these timers are found by a sweep only."""
    due = timezone.now() - timedelta(seconds=seconds_ago)
    for case in cases:
        state = json.loads(ProcessInstance.objects.values_list("state", flat=True).get(pk=case.pk))
        for task in state["tasks"].values():
            internal = task.get("internal_data") or {}
            if isinstance(internal.get("event_value"), str) and not internal.get("event_fired"):
                internal["event_value"] = due.isoformat()
        ProcessInstance.objects.filter(pk=case.pk).update(
            state=json.dumps(state, separators=(",", ":"), ensure_ascii=False), next_timer_at=due
        )


def escalated(*cases: ProcessInstance) -> int:
    return HumanTask.objects.filter(instance__in=cases, task_spec="escalated", status="open").count()


def jobs_since(worker: LiveWorker, offset: int) -> list[int]:
    """Instances handled by each sweep job the worker finished after `offset` of its log."""
    return [int(n) for n in _JOB_DONE.findall(worker.log_path.read_text(errors="replace")[offset:])]


def log_offset(worker: LiveWorker) -> int:
    return len(worker.log_path.read_text(errors="replace"))


@pytest.fixture
def timer_model(deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("timer")


@pytest.fixture
def fresh_wakes() -> Iterator[None]:
    """This process remembers the wake-ups it queued; each test starts with none."""
    timer_wake.forget()
    yield
    timer_wake.forget()


# --- settings -------------------------------------------------------------------------------


def test_beat_polls_every_five_seconds_by_default_and_the_setting_is_checked() -> None:
    assert import_settings(NQI_TIMER_POLL_SECONDS=None).returncode == 0
    assert settings.CELERY_BEAT_SCHEDULE["fire-due-timers"]["schedule"] == float(
        settings.NQI_TIMER_POLL_SECONDS
    )
    for name, value in (("NQI_TIMER_POLL_SECONDS", "0"), ("NQI_TIMER_WAKE_UPS", "sometimes")):
        result = import_settings(**{name: value})
        assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and name in result.stderr


# --- one job, in this process ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_full_batch_hands_the_rest_on_to_exactly_one_more_job(
    cast: Cast, timer_model: None, django_capture_on_commit_callbacks: Any
) -> None:
    cases = [start_waiting(cast) for _ in range(5)]
    make_due(*cases)
    with django_capture_on_commit_callbacks() as queued:
        first = timer_sweep.sweep(batch=2, seconds=60)
    assert (first.fired, first.handed_on, first.drained) == (2, True, False)
    assert queued == [timer_wake.sweep_now], "one successor, queued once however full the batch"
    assert escalated(*cases) == 2

    with django_capture_on_commit_callbacks() as queued:
        rest = timer_sweep.sweep(batch=10, seconds=60)
    assert (rest.fired, rest.handed_on, rest.drained) == (3, False, True)
    assert queued == [], "nothing more due and no timer left: no job and no wake-up"
    assert escalated(*cases) == 5


@pytest.mark.django_db
def test_a_sweep_that_empties_the_backlog_queues_the_wake_up_for_the_next_timer(
    cast: Cast, timer_model: None, django_capture_on_commit_callbacks: Any
) -> None:
    make_due(start_waiting(cast))
    later = start_waiting(cast, "PT3S")  # within the horizon: its own start queued a wake-up too
    with django_capture_on_commit_callbacks() as queued:
        result = timer_sweep.sweep(batch=10, seconds=60)
    assert result.fired == 1 and result.drained
    assert len(queued) == 1, "the wake-up for the timer due in three seconds"
    assert timer_sweep.next_due() == later.next_timer_at


@pytest.mark.django_db
def test_wake_ups_are_queued_only_for_timers_due_within_the_horizon(
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert timer_wake.horizon() == 2 * settings.NQI_TIMER_POLL_SECONDS
    now = timezone.now()
    with django_capture_on_commit_callbacks() as queued:
        timer_wake.wake_after_commit(now + timedelta(hours=1))
        timer_wake.wake_after_commit(None)
    assert queued == [], "a later timer is seen coming by a beat tick"
    with django_capture_on_commit_callbacks() as queued:
        timer_wake.wake_after_commit(now + timedelta(seconds=2))
    assert len(queued) == 1
    with override_settings(NQI_TIMER_WAKE_UPS=False), django_capture_on_commit_callbacks() as queued:
        timer_wake.wake_after_commit(now + timedelta(seconds=2))
    assert queued == []


def test_one_process_queues_one_wake_up_for_timers_close_together(fresh_wakes: None) -> None:
    # A day ahead: the worker (if this session runs one) holds these and never runs them here.
    later = time.time() + 86_400
    assert timer_wake.wake_at(later) is True
    assert timer_wake.wake_at(later + timer_wake.WAKE_SLACK / 2) is False, "shares the one queued"
    assert timer_wake.wake_at(later + 10) is False, "the sweep at the earlier one queues the next"
    assert timer_wake.wake_at(later - 60) is True, "an earlier timer needs its own"
    with override_settings(NQI_TIMER_WAKE_UPS=False):
        assert timer_wake.wake_at(later - 120) is False


# --- a timer and a person on one instance ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_timer_and_a_completion_racing_have_exactly_one_winner(cast: Cast, timer_model: None) -> None:
    outcomes: list[str] = []
    for _ in range(6):
        case = start_waiting(cast)
        task = case.human_tasks.get(task_spec="match")
        make_due(case)

        def sweep_or_complete(i: int, task_id: int = task.pk) -> Any:
            if i == 0:
                return timer_sweep.fire_next()
            return human_tasks.complete(task_id, actor=cast.operator_a, data={})

        fired, completed = run_concurrently(sweep_or_complete, workers=2)
        case.refresh_from_db()
        timer_fired = AuditEvent.objects.filter(instance_id=case.pk, action="timer.fired").count()
        rows = dict(case.human_tasks.values_list("task_spec", "status"))
        if isinstance(completed, HumanTask):
            # The person won: the timer was not due any more when the sweep got to it (or the
            # instance was locked, and skipped, while the completion ran).
            assert fired is timer_sweep.Outcome.NONE_DUE and timer_fired == 0
            assert case.status == InstanceStatus.COMPLETED and rows == {"match": "completed"}
        else:
            # The timer won: the waiting completion saw the task it had cancelled.
            assert isinstance(completed, Conflict) and completed.code == "closed", completed
            assert fired is timer_sweep.Outcome.FIRED and timer_fired == 1
            assert rows == {"match": "cancelled", "escalated": "open"}
        assert case.next_timer_at is None
        assert timer_sweep.fire_next() is timer_sweep.Outcome.NONE_DUE, "nothing left for a later sweep"
        outcomes.append("person" if isinstance(completed, HumanTask) else "timer")
    assert verify_chain().ok, outcomes


# --- real worker ----------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_one_job_sent_as_beat_sends_it_drains_hundreds_through_chained_jobs(
    cast: Cast, timer_model: None, fresh_wakes: None, celery_worker_process: LiveWorker
) -> None:
    batch = settings.NQI_TIMER_BATCH
    if batch > 200:
        pytest.skip("NQI_TIMER_BATCH is set too large for a backlog of a few jobs here")
    count = 2 * batch + batch // 2
    cases = [start_waiting(cast) for _ in range(count)]
    make_due(*cases)
    offset = log_offset(celery_worker_process)

    app.send_task(SWEEP)  # one beat tick's job, and nothing else
    celery_worker_process.wait_until(lambda: escalated(*cases) == count, seconds=120)

    assert not ProcessInstance.objects.filter(next_timer_at__isnull=False).exists()
    celery_worker_process.wait_until(lambda: sum(jobs_since(celery_worker_process, offset)) >= count)
    working = [n for n in jobs_since(celery_worker_process, offset) if n]
    assert len(working) >= math.ceil(count / batch), working
    assert max(working) <= batch, "no job takes more than its batch"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_timer_due_in_two_seconds_fires_on_time_without_any_beat_tick(
    cast: Cast, timer_model: None, fresh_wakes: None, celery_worker_process: LiveWorker
) -> None:
    case = start_waiting(cast, "PT2S")  # its commit queued the wake-up
    due = case.next_timer_at
    assert due is not None
    celery_worker_process.wait_until(lambda: escalated(case) == 1, seconds=15)
    fired = AuditEvent.objects.get(instance_id=case.pk, action="timer.fired").occurred_at
    assert due <= fired <= due + timedelta(seconds=4), (due, fired)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_due_instance_held_by_another_transaction_is_swept_again_once_free(
    cast: Cast, timer_model: None, fresh_wakes: None, celery_worker_process: LiveWorker
) -> None:
    held, free = start_waiting(cast), start_waiting(cast)
    make_due(held, free)
    holding, release = threading.Event(), threading.Event()

    def hold_lock() -> None:  # a person's completion taking its time on the same instance
        try:
            with transaction.atomic():
                ProcessInstance.objects.select_for_update().get(pk=held.pk)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert holding.wait(10)
        app.send_task(SWEEP)
        celery_worker_process.wait_until(lambda: escalated(free) == 1, seconds=30)
        time.sleep(1.5)
        assert escalated(held) == 0, "skipped while held, not waited for"
    finally:
        release.set()
        holder.join()
    # No job is sent again: the sweep that skipped it queued a look shortly after.
    celery_worker_process.wait_until(lambda: escalated(held) == 1, seconds=10)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_instance_that_cannot_be_loaded_goes_to_error_and_the_sweep_goes_on(
    cast: Cast, timer_model: None, fresh_wakes: None, celery_worker_process: LiveWorker
) -> None:
    broken, first, second = (start_waiting(cast) for _ in range(3))
    make_due(first, second)
    make_due(broken, seconds_ago=5)  # due first: the sweep meets it before the healthy ones
    ProcessInstance.objects.filter(pk=broken.pk).update(state="not a state")

    app.send_task(SWEEP)
    celery_worker_process.wait_until(lambda: escalated(first, second) == 2, seconds=30)

    broken.refresh_from_db()
    assert broken.status == InstanceStatus.ERROR and broken.next_timer_at is None
    assert broken.last_error.startswith("JSONDecodeError")
    error = AuditEvent.objects.get(instance_id=broken.pk, action="instance.error")
    assert error.after is not None and error.after["error"] == broken.last_error
    assert not AuditEvent.objects.filter(instance_id=broken.pk, action="timer.fired").exists()


def test_workers_poll_the_sql_broker_five_times_a_second() -> None:
    # A chained sweep or a message sent after a commit waits one poll at each hand-off; the
    # worker_init handler sets it (the transport's options would go to create_engine()).
    from kombu.transport.sqlalchemy import Transport

    from config.celery import poll_the_sql_broker_often

    before = Transport.polling_interval
    try:
        Transport.polling_interval = 1.0
        poll_the_sql_broker_often()
        expected = 0.2 if str(app.conf.broker_url).startswith("sqla+") else 1.0
        assert Transport.polling_interval == expected
    finally:
        Transport.polling_interval = before
