"""The self-assessment reminder fired end to end: armed at start, swept by a real worker."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from casemgmt.promotion.handlers import REMINDED_PRIORITY
from casemgmt.promotion.services import start_assessment
from config.celery import app
from tests.live_worker import LiveWorker
from tests.personas import Cast
from workflows.models import HumanTask, InstanceStatus, ProcessInstance

from .support import open_specs, open_task, project_in, score_stage, setup_promotion

PERIOD = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def bring_timers_forward(instance: ProcessInstance) -> int:
    """Move every armed timer of the instance to a second ago, as if its days had passed.

    A duration timer keeps its target time in its task's internal data (`event_value`, ISO 8601);
    rewriting that, and the `next_timer_at` the sweep selects by, is the whole clock change. The
    engine does the rest exactly as it would days later."""
    state: dict[str, Any] = json.loads(
        ProcessInstance.objects.values_list("state", flat=True).get(pk=instance.pk)
    )
    past = timezone.now() - datetime.timedelta(seconds=1)
    moved = 0
    for task in state["tasks"].values():
        internal = task.get("internal_data") or {}
        if isinstance(internal.get("event_value"), str) and not internal.get("event_fired"):
            internal["event_value"] = past.isoformat()
            moved += 1
    ProcessInstance.objects.filter(pk=instance.pk).update(
        state=json.dumps(state, separators=(",", ":"), ensure_ascii=False), next_timer_at=past
    )
    return moved


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_fires_the_self_assessment_reminder(
    cast: Cast, celery_worker_process: LiveWorker
) -> None:
    setup_promotion()
    project = project_in()
    instance = start_assessment(
        project.pk, actor=cast.office_a, period_start=PERIOD[0], period_end=PERIOD[1], reminder_days=3
    )
    waiting = open_task(instance, "self_assessment")
    assert waiting.priority < REMINDED_PRIORITY
    assert bring_timers_forward(instance) == 1

    app.send_task("workflows.fire_due_timers")  # what beat sends every minute
    celery_worker_process.wait_until(
        lambda: HumanTask.objects.get(pk=waiting.pk).priority == REMINDED_PRIORITY
    )

    instance.refresh_from_db()
    assert instance.status == InstanceStatus.RUNNING and instance.next_timer_at is None
    assert AuditEvent.objects.filter(instance_id=instance.pk, action="timer.fired").count() == 1
    # Non-interrupting: the same task is still open, now at the top of its group's inbox.
    assert open_specs(instance) == {"self_assessment"}
    assert open_task(instance, "self_assessment").pk == waiting.pk

    # The operator submits as usual afterwards; the reminder does not come back.
    score_stage(instance, "self", "50.0", cast.operator_a)
    assert open_specs(instance) == {"office_evaluation"}
    assert AuditEvent.objects.filter(instance_id=instance.pk, action="timer.fired").count() == 1
