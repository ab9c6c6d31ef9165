"""Celery jobs of core (imported through CELERY_IMPORTS: core is not an installed app)."""

from __future__ import annotations

from celery import shared_task

from core import retention


@shared_task(name="core.retention")
def run_retention() -> dict[str, int]:
    """Daily (config/settings.py); the logic and its log line are in core/retention.py."""
    return retention.run()
