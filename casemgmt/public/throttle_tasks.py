"""Celery job that keeps the rate-limit table small (scheduled hourly in config/settings.py)."""

from __future__ import annotations

from celery import shared_task

from casemgmt.public import throttle


@shared_task(name="casemgmt.purge_rate_limit_hits")
def purge_rate_limit_hits() -> int:
    return throttle.purge()
