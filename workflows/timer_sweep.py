"""The timer sweep: every due instance advanced, in parallel across workers, one transaction each.

One sweep job takes due instances one at a time (`FOR UPDATE SKIP LOCKED`, so sweepers never
wait for each other nor for a person completing a task on the same instance) until it has handled
`batch` of them, nothing free is due, or its time is up. As soon as it has fired one and sees more
due than it will take, it queues one successor job, which does the same: a backlog keeps every
worker busy with at most one job waiting in the queue per chain, and the chain ends by itself
when nothing is due. A sweep that found nothing more to take queues the wake-up for the next
timer (workflows/timer_wake.py). docs/design.md "Timers" has the lateness this gives.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.actions import Action
from core.db.statements import execute
from core.service import audit, write_transaction

from . import rows, runtime, timer_wake
from .guard import lock_instance
from .instances import after_turn
from .models import WORKABLE_STATUSES, InstanceStatus, ProcessInstance

logger = logging.getLogger(__name__)

# A timer the engine did not consume (it is not due by Spiff's clock) is tried again this much later.
STUCK_RETRY = timedelta(seconds=30)
# A due instance another transaction holds (a person's completion) is looked at again this soon.
LOCKED_RETRY_SECONDS = 1.0
# Failures that are the database's, not the instance's: the job stops, the instance stays due.
# (The soft time limit is the instance's: the sweep takes none after half of it, so a turn that
# runs into it had minutes.)
_NOT_THE_INSTANCE = (OperationalError, InterfaceError)


class Outcome(enum.Enum):
    NONE_DUE = "none due"
    FIRED = "fired"
    FAILED = "failed"


@dataclass
class SweepResult:
    fired: int = 0
    failed: int = 0
    handed_on: bool = False  # a successor job was queued
    drained: bool = False  # stopped because no free instance was due

    @property
    def handled(self) -> int:
        return self.fired + self.failed


def _due(now: datetime) -> QuerySet[ProcessInstance]:
    return ProcessInstance.objects.filter(next_timer_at__lte=now, status__in=WORKABLE_STATUSES)


_FIELDS = ProcessInstance._meta.concrete_fields
_ATTNAMES = [f.attname for f in _FIELDS]
# A fixed statement, prepared on the server and carrying the transaction's BEGIN
# (core/db/statements.py): built by the ORM, it cost more to compile than to run.
_STATUSES = ", ".join(f"'{status.value}'" for status in WORKABLE_STATUSES)
_TAKE_DUE = (
    f"SELECT {', '.join(f.column for f in _FIELDS)} FROM {ProcessInstance._meta.db_table} "  # noqa: S608 (names from the model)
    f"WHERE next_timer_at <= %s AND status IN ({_STATUSES}) "
    "ORDER BY next_timer_at LIMIT 1 FOR UPDATE SKIP LOCKED"
)


def _take_due() -> ProcessInstance | None:
    """Lock the instance due first that no other transaction holds. "Due" by this process's clock,
    which is the one the engine will judge the timer by."""
    found = execute((_TAKE_DUE, [timezone.now()]), binary_results=True)
    if not found:
        return None
    instance = ProcessInstance.from_db(DEFAULT_DB_ALIAS, _ATTNAMES, found[0])
    rows.attach_version(instance)  # from the per-process cache: versions never change
    return instance


def _fire(instance: ProcessInstance) -> None:
    """One engine turn on the locked instance: its timers refreshed, the engine run, audited."""
    workflow = runtime.load_workflow(instance)
    due = instance.next_timer_at
    result = runtime.turn(instance, workflow, runtime.open_task_ids(workflow))
    if instance.next_timer_at is not None and due is not None and instance.next_timer_at <= due:
        # The engine did not consume the timer (clock skew or a cycle timer); push it forward
        # so that one stuck instance cannot starve the sweep.
        instance.next_timer_at = timezone.now() + STUCK_RETRY
        instance.save(update_fields=["next_timer_at"])
    audit(
        Action.TIMER_FIRED,
        None,
        target_type="instance",
        target_id=instance.pk,
        instance=instance,
        before={"due": due.isoformat() if due else None},
        after={"status": instance.status},
    )
    after_turn(instance, result, None)


def fire_next() -> Outcome:
    """Fire the first free due instance in its own transaction. An instance whose turn raises
    (rather than failing inside the engine, which the turn records itself) is put in error in a
    transaction of its own, so that it cannot hold up the sweep or be taken again and again."""
    taken: int | None = None
    try:
        with write_transaction():
            instance = _take_due()
            if instance is None:
                return Outcome.NONE_DUE
            taken = instance.pk
            _fire(instance)
    except _NOT_THE_INSTANCE:
        raise
    except Exception as exc:
        if taken is None:
            raise
        logger.exception("timer turn of instance %s failed; the instance is put in error", taken)
        _put_in_error(taken, exc)
        return Outcome.FAILED
    return Outcome.FIRED


def _put_in_error(instance_id: int, exc: Exception) -> None:
    message = f"{type(exc).__name__}: {exc}"[:2000]
    with write_transaction():
        instance = lock_instance(instance_id)
        if instance.status not in WORKABLE_STATUSES or instance.next_timer_at is None:
            return  # changed since (terminated, suspended): no longer the sweep's
        instance.status = InstanceStatus.ERROR
        instance.last_error = message
        instance.error_task_spec = ""
        instance.next_timer_at, instance.timer_specs = None, []
        instance.row_version += 1
        instance.save(
            update_fields=[
                "status",
                "last_error",
                "error_task_spec",
                "next_timer_at",
                "timer_specs",
                "row_version",
            ]
        )
        audit(
            Action.INSTANCE_ERROR,
            None,
            target_type="instance",
            target_id=instance.pk,
            instance=instance,
            after={"error": message, "task_spec": ""},
        )


def fire_due(limit: int) -> int:
    """Fire up to `limit` due instances, one transaction each; returns how many were handled
    (fired or put in error). Queues nothing: sweep() does that."""
    handled = 0
    while handled < limit and fire_next() is not Outcome.NONE_DUE:
        handled += 1
    return handled


def more_due_than(count: int) -> bool:
    """Whether more than `count` instances are due, those other transactions hold included."""
    return (
        _due(timezone.now())
        .order_by("next_timer_at")
        .values_list("pk", flat=True)[count : count + 1]
        .exists()
    )


def next_due() -> datetime | None:
    """The earliest timer of any instance the sweep would take (due or not)."""
    return (
        ProcessInstance.objects.filter(next_timer_at__isnull=False, status__in=WORKABLE_STATUSES)
        .order_by("next_timer_at")
        .values_list("next_timer_at", flat=True)
        .first()
    )


def sweep(batch: int, seconds: float) -> SweepResult:
    """One sweep job: see the module's docstring. After `seconds` it takes no new instance, so the
    job's soft time limit never falls on a healthy instance's turn."""
    deadline = time.monotonic() + seconds
    result = SweepResult()
    while result.handled < batch and time.monotonic() < deadline:
        outcome = fire_next()
        if outcome is Outcome.NONE_DUE:
            result.drained = True
            break
        if outcome is Outcome.FIRED:
            result.fired += 1
        else:
            result.failed += 1
        if result.handled == 1 and more_due_than(batch - 1):
            # More than this job will take: a second job starts on the next free worker now.
            result.handed_on = _hand_on()
    if result.drained:
        _wake_for_next()
    elif result.handled and not result.handed_on:
        result.handed_on = _hand_on()  # the batch filled or the time ran out with work left
    return result


def _hand_on() -> bool:
    # Through on_commit like every other queueing: at once in a job (no transaction is open),
    # never from inside a test's rolled-back transaction.
    transaction.on_commit(timer_wake.sweep_now)
    return True


def _wake_for_next() -> None:
    due = next_due()
    if due is None:
        return
    if due <= timezone.now():
        # Due but held by another transaction: a sweeper busy with it, or a person completing a
        # task there. Look again shortly; if the person's completion ended the timer, that sweep
        # finds nothing.
        transaction.on_commit(lambda: timer_wake.wake_at(time.time() + LOCKED_RETRY_SECONDS))
        return
    timer_wake.wake_after_commit(due)
