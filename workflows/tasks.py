"""Celery jobs of the engine."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .instances import fire_due_timers as _fire_due_timers


@shared_task(name="workflows.fire_due_timers")
def fire_due_timers() -> int:
    return _fire_due_timers(limit=settings.NQI_TIMER_BATCH)
