"""Wake-ups: a sweep job queued for the moment the next timer falls due, instead of waiting for
the beat tick.

A wake-up is a delayed Celery job (`countdown`), which every broker supports: the worker holds it
and runs it when its time comes. Only timers due within the horizon (two beat intervals) get one;
the beat tick that comes before a later timer falls due schedules its wake-up then, and it is the
safety net for a wake-up that was lost (a broker that dropped it, a worker killed while holding it).

Floods are avoided per process: a process remembers the earliest wake-up it has queued that has not
come yet, and queues another only for a timer due more than WAKE_SLACK before it. The sweep that a
wake-up runs queues the wake-up for the next timer, so a later timer is never left without one.
Two processes may queue wake-ups for the same moment; the second sweep then finds nothing to do.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from django.conf import settings
from django.db import transaction

from config.celery import app

logger = logging.getLogger(__name__)

TASK_NAME = "workflows.fire_due_timers"
# Timers due this close after a wake-up already queued share it (they are taken in due order).
WAKE_SLACK = 0.25

_lock = threading.Lock()
_queued_for: float | None = None  # epoch seconds of the earliest wake-up queued here, still to come


def horizon() -> float:
    """How far ahead (seconds) a timer gets its own wake-up: two beat intervals, so that the tick
    before any later timer falls due still sees it coming."""
    return 2.0 * settings.NQI_TIMER_POLL_SECONDS


def wake_after_commit(due: datetime | None) -> None:
    """Queue a wake-up for `due` once the current transaction commits (at once outside one). For a
    timer beyond the horizon nothing is done: a beat tick will see it coming."""
    if due is None or not settings.NQI_TIMER_WAKE_UPS:
        return
    moment = due.timestamp()
    if moment - time.time() <= horizon():
        transaction.on_commit(lambda: wake_at(moment))


def wake_at(moment: float) -> bool:
    """Queue a sweep for `moment` (epoch seconds), unless a wake-up this process queued is still
    to come and at most WAKE_SLACK after it: the sweep that one runs queues the next. True when
    one was queued. A failure to publish is logged, not raised: this runs after a commit, and the
    beat tick will fire the timer anyway."""
    global _queued_for
    if not settings.NQI_TIMER_WAKE_UPS:
        return False
    now = time.time()
    moment = max(moment, now)
    with _lock:
        if _queued_for is not None and now <= _queued_for <= moment + WAKE_SLACK:
            return False
        previous, _queued_for = _queued_for, moment
    try:
        app.send_task(TASK_NAME, countdown=moment - now)
    except Exception:
        logger.warning("could not queue a timer wake-up; the beat tick will sweep", exc_info=True)
        with _lock:
            if _queued_for == moment:
                _queued_for = previous
        return False
    return True


def sweep_now() -> None:
    """Queue a sweep to run at once (a sweep handing its backlog on to the next free worker)."""
    try:
        app.send_task(TASK_NAME)
    except Exception:
        logger.warning("could not queue the next timer sweep; the beat tick will sweep", exc_info=True)


def forget() -> None:
    """Forget the queued wake-up (tests: each starts with a worker that holds none)."""
    global _queued_for
    with _lock:
        _queued_for = None
