"""A campaign's schedule as a django-celery-beat row (editable afterwards in the admin)."""

from __future__ import annotations

import json

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from .models import AssessmentCampaign
from .tasks import OPEN_CAMPAIGN

# Defaults: assessments open on 5 January at 08:00, typical cases on the 1st of each quarter.
YEARLY = {"minute": "0", "hour": "8", "day_of_month": "5", "month_of_year": "1", "day_of_week": "*"}
QUARTERLY = {"minute": "0", "hour": "8", "day_of_month": "1", "month_of_year": "1,4,7,10", "day_of_week": "*"}


def default_crontab(campaign: AssessmentCampaign) -> dict[str, str]:
    return QUARTERLY if campaign.kind == AssessmentCampaign.Kind.TYPICAL_CASES else YEARLY


@transaction.atomic
def schedule(campaign: AssessmentCampaign, crontab: dict[str, str] | None = None) -> PeriodicTask:
    """Create or update the campaign's periodic task (Asia/Shanghai wall-clock times)."""
    fields = crontab or default_crontab(campaign)
    cron, _ = CrontabSchedule.objects.get_or_create(timezone="Asia/Shanghai", **fields)
    task = campaign.periodic_task
    if task is None:
        task = PeriodicTask(name=f"promotion-campaign-{campaign.pk}")
    task.task = OPEN_CAMPAIGN
    task.crontab = cron
    task.interval = None
    task.args = json.dumps([campaign.pk])
    task.enabled = campaign.active
    task.description = campaign.name
    task.save()
    if campaign.periodic_task_id != task.pk:
        campaign.periodic_task = task
        campaign.save(update_fields=["periodic_task"])
    return task
