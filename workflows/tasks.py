"""Celery jobs of the engine."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

from .instances import fire_due_timers as _fire_due_timers


def sweep_timers(batch: int, seconds: float) -> int:
    """Fire due timers one instance at a time (each in its own transaction) until `batch` have
    fired, none is due, or `seconds` have passed: a sweep that takes no new instance after that
    leaves the rest to the next beat tick instead of running into the job's time limit, which
    would then fall on a healthy instance's turn."""
    deadline = time.monotonic() + seconds
    fired = 0
    while fired < batch and time.monotonic() < deadline:
        if _fire_due_timers(limit=1) == 0:
            break
        fired += 1
    return fired


@shared_task(name="workflows.fire_due_timers")
def fire_due_timers() -> int:
    return sweep_timers(settings.NQI_TIMER_BATCH, settings.CELERY_TASK_SOFT_TIME_LIMIT / 2)
