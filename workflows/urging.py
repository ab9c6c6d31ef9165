"""催办 (urge): remind whoever holds an open task (its assignee, else its candidate group) that it
is waiting. At most once an hour per task, whoever urges; every urge is audited, and the
notifications app tells the holders from that audit event."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from audit.actions import Action
from core.errors import Conflict, InvalidInput
from core.service import Actor, audit, require, write_transaction

from .guard import get_task, task_summary
from .models import HumanTask
from .task_settings import settings_for

URGE_INTERVAL = timedelta(hours=1)
NOTE_MAX_LENGTH = 500


def _finished() -> Conflict:
    return Conflict(
        "The task is finished; there is nothing to urge.", "该任务已办结，无需催办。", code="closed"
    )


def urge(task_id: int, *, actor: Actor, note: str = "") -> HumanTask:
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidInput.on_field(
            "note",
            "max_length",
            f"催办说明不能超过 {NOTE_MAX_LENGTH} 字",
            f"at most {NOTE_MAX_LENGTH} characters",
        )
    with write_transaction():
        task = get_task(task_id)
        require(actor, "workflows.urge_task", task)
        if task.status != HumanTask.Status.OPEN:
            raise _finished()
        if not settings_for(task).offers("urge"):
            raise InvalidInput("This task cannot be urged.", "该任务不提供催办。", code="not_offered")
        now = timezone.now()
        # The conditional update is the rate limit: of two urges within the hour, one matches.
        won = (
            HumanTask.objects.filter(pk=task_id, status=HumanTask.Status.OPEN)
            .filter(Q(urged_at__isnull=True) | Q(urged_at__lte=now - URGE_INTERVAL))
            .update(urged_at=now)
        )
        task.refresh_from_db()
        if not won:
            if task.status != HumanTask.Status.OPEN:
                raise _finished()
            again = timezone.localtime(task.urged_at + URGE_INTERVAL) if task.urged_at else now
            raise Conflict(
                f"The task was urged less than an hour ago; it can be urged again at {again:%H:%M}.",
                f"该任务一小时内已催办过，{again:%H:%M} 后可再次催办。",
                code="urged_recently",
            )
        audit(
            Action.TASK_URGED,
            actor,
            target_type="task",
            target_id=task.pk,
            instance=task.instance,
            after=task_summary(task),
            reason=note,
        )
        return task
