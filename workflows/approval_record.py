"""审批记录 (the approval record) of one process instance: every human step in order, with who
worked it, when it opened and closed, how long it took, the opinion given and the operations done
on it (claimed, released, assigned, urged, moved, handed over, signers added or removed, copied),
read from the task rows and the audit log. An added signer's part (加签) is a step of its own,
with its 同意 / 不同意.

It is the one definition of the record: the task page, the case page, the instance page and the
printable 审批单 (workflows/web/record.py) all show this list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from audit.actions import Action
from audit.models import AuditEvent

from .models import HumanTask, ProcessInstance

# The operations on a task that the record lists under its step.
OPERATION_ACTIONS = (
    Action.TASK_CLAIMED,
    Action.TASK_UNCLAIMED,
    Action.TASK_ASSIGNED,
    Action.TASK_URGED,
    Action.TASK_MOVED,
    Action.TASK_TRANSFERRED,
    Action.TASK_DELEGATED,
    Action.TASK_DELEGATION_RESOLVED,
    Action.TASK_RECALLED,
    Action.TASK_SIGNERS_ADDED,
    Action.TASK_SIGNER_REMOVED,
    Action.TASK_SIGNERS_DONE,
    Action.TASK_COPIED,
)
STEP_LIMIT = 500


@dataclass(frozen=True)
class Operation:
    action: str
    label: str
    actor: str
    at: datetime
    note: str


@dataclass(frozen=True)
class Step:
    task: HumanTask
    worker: str  # who completed it, by name; "" while open or when cancelled
    holder: str  # who holds it now (assignee), by name; "" when unclaimed
    duration: timedelta | None
    operations: list[Operation] = field(default_factory=list)

    @property
    def opened_at(self) -> datetime:
        return self.task.created_at

    @property
    def closed_at(self) -> datetime | None:
        return self.task.completed_at

    @property
    def opinion(self) -> str:
        return self.task.opinion

    @property
    def decision(self) -> str:
        """An added signer's 同意 / 不同意."""
        if self.task.approved is None:
            return ""
        return _("Agreed") if self.task.approved else _("Disagreed")

    @property
    def took(self) -> str:
        return format_duration(self.duration) if self.duration is not None else ""


def format_duration(span: timedelta) -> str:
    """A step's working time as people say it: days and hours, or minutes when under an hour."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _note(event: AuditEvent) -> str:
    """What the record says of an operation: its reason, and whom it named (signers, readers)."""
    after = event.after if isinstance(event.after, dict) else {}
    named = (
        after.get("signers") or after.get("recipients") or ([after["signer"]] if after.get("signer") else [])
    )
    names = "、".join(str(name) for name in named) if isinstance(named, list) else ""
    return "；".join(part for part in (names, event.reason) if part)


def steps_of(instance: ProcessInstance | int) -> list[Step]:
    """The record, oldest step first (at most STEP_LIMIT steps, the newest kept)."""
    instance_id = instance if isinstance(instance, int) else instance.pk
    tasks = list(
        HumanTask.objects.filter(instance_id=instance_id)
        .select_related("assignee", "completed_by")
        .order_by("-created_at", "-id")[:STEP_LIMIT]
    )
    tasks.reverse()
    events = AuditEvent.objects.filter(
        instance_id=instance_id, target_type="task", action__in=OPERATION_ACTIONS
    ).order_by("id")
    by_task: dict[str, list[Operation]] = {}
    for event in events.select_related("actor"):
        by_task.setdefault(event.target_id, []).append(
            Operation(
                action=event.action,
                label=str(event.get_action_display()),
                # The name now, else the user name the event recorded (a deleted account).
                actor=person(event.actor) or event.actor_username,
                at=event.occurred_at,
                note=_note(event),
            )
        )
    done = (HumanTask.Status.COMPLETED, HumanTask.Status.AWAITING, HumanTask.Status.RETURNED)
    return [
        Step(
            task=task,
            worker=person(task.completed_by) if task.status in done else "",
            holder=person(task.assignee) if task.status == HumanTask.Status.OPEN else "",
            duration=(task.completed_at - task.created_at) if task.completed_at else None,
            operations=by_task.get(str(task.pk), []),
        )
        for task in tasks
    ]
