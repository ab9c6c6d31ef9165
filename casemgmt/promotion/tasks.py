"""Celery jobs of the promotion app; django-celery-beat rows (one per campaign) schedule them."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import services

OPEN_CAMPAIGN = "promotion.open_campaign"


@shared_task(name=OPEN_CAMPAIGN)
def open_campaign(campaign_id: int) -> dict[str, Any] | None:
    """Open a campaign's work: self-assessments of every street-level project, or the quarter's
    typical-case tasks of every office (by the campaign's kind)."""
    run = services.open_campaign(int(campaign_id))
    if run is None:
        return None
    return {"started": run.started, "skipped": run.skipped, "failed": run.failed}
