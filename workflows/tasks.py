"""Celery jobs of the engine."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import timer_sweep


def sweep_timers(batch: int, seconds: float) -> int:
    """One timer sweep (workflows/timer_sweep.py): at most `batch` due instances, each in its own
    transaction, none taken after `seconds`; a backlog is handed on to a further job. Returns how
    many instances it handled."""
    return timer_sweep.sweep(batch, seconds).handled


@shared_task(name="workflows.fire_due_timers")
def fire_due_timers() -> int:
    """What beat sends every NQI_TIMER_POLL_SECONDS, a wake-up at a timer's due time, and a sweep
    to the next: the same job. It takes no new instance after half the soft time limit, so the
    limit never falls on a healthy instance's turn."""
    return sweep_timers(settings.NQI_TIMER_BATCH, settings.CELERY_TASK_SOFT_TIME_LIMIT / 2)
