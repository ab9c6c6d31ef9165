"""退回 (return): the holder of an open task sends the instance back to an earlier completed user
task of it, with a required opinion. The path in between is cancelled; the earlier task opens
again for the person who completed it, who sees why it came back (the task page reads the
task.returned event). What a return may cross is workflows/rewind.py's to decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from audit.actions import Action
from core.errors import InvalidInput, NotFound
from core.service import Actor, acting_user, audit, write_transaction

from . import resubmit, rewind, runtime, task_settings
from .approval_record import person
from .guard import get_instance
from .holding import hold_open_task
from .instances import after_turn
from .models import HumanTask


@dataclass(frozen=True)
class ReturnTarget:
    """An earlier task the instance may go back to, as the choice shows it."""

    task: HumanTask  # its current (completed) row
    completed_by: str
    completed_at: datetime | None


def _not_offered() -> InvalidInput:
    return InvalidInput("This task cannot be returned.", "该任务不提供退回。", code="not_offered")


def _candidates(task: HumanTask) -> list[HumanTask]:
    """The instance's completed user-task rows, newest first, one per Spiff task (current rows)."""
    return list(
        HumanTask.objects.filter(
            instance_id=task.instance_id, status=HumanTask.Status.COMPLETED, superseded=0, added_to=None
        )
        .exclude(pk=task.pk)
        .select_related("completed_by")
        .order_by("-completed_at", "-id")
    )


def targets(task: HumanTask) -> list[ReturnTarget]:
    """Where the holder of `task` may send the instance back: earlier completed tasks on its way,
    the ones a return would refuse left out. Reads the workflow; locks nothing."""
    if task.status != HumanTask.Status.OPEN or task.countersign is not None:
        return []
    candidates = _candidates(task)
    if not candidates:
        return []
    # The instance as committed now: a row's cached instance may predate later turns.
    workflow = runtime.load_workflow(get_instance(task.instance_id))
    current = runtime.find_task(workflow, task.spiff_task_id)
    if current is None:
        return []
    found = []
    for row in candidates:
        earlier = runtime.find_task(workflow, row.spiff_task_id)
        if earlier is not None and rewind.is_completed(earlier) and rewind.refusal(earlier, current) is None:
            found.append(ReturnTarget(row, person(row.completed_by), row.completed_at))
    return found


def return_task(task_id: int, *, actor: Actor, target_id: int | None, opinion: str) -> HumanTask:
    """Send the instance back from open task `task_id` to the completed task row `target_id`.
    Returns the reopened row."""
    opinion = task_settings.clean_opinion(opinion, required=True)  # always, for a return
    with write_transaction():
        row, instance, task_ids = hold_open_task(task_id, actor)
        if not task_settings.settings_for(row).offers("return"):
            raise _not_offered()
        target = (
            HumanTask.objects.filter(pk=target_id, instance_id=instance.pk, superseded=0, added_to=None)
            .select_related("completed_by")
            .first()
            if target_id is not None
            else None
        )
        if target is None or target.status != HumanTask.Status.COMPLETED or target.pk == row.pk:
            raise InvalidInput.on_field(
                "target",
                "not_earlier",
                "请选择本流程中已办理过的前序环节作为退回目标",
                "choose an earlier completed step of this instance to return to",
            )
        workflow = runtime.load_workflow(instance)
        open_before = runtime.open_task_ids(workflow)
        current = runtime.find_task(workflow, row.spiff_task_id)
        earlier = runtime.find_task(workflow, target.spiff_task_id)
        if current is None or earlier is None or not rewind.is_completed(earlier):
            raise NotFound("The step is no longer in the workflow.", "该环节已不在流程中。")
        refused = rewind.refusal(earlier, current)
        if refused is not None:
            raise refused
        user = acting_user(actor)
        jump = (
            resubmit.plan(earlier, current, getattr(user, "pk", None))
            if task_settings.settings_for(target, instance.version).resubmit_to_returner
            else None
        )
        HumanTask.objects.filter(pk=row.pk).update(
            status=HumanTask.Status.RETURNED,
            completed_by=user,
            completed_at=timezone.now(),
            opinion=opinion,
        )
        with runtime.acting_as(user):
            result = rewind.reopen(instance, workflow, open_before, earlier, target, task_ids)
        reopened = rewind.reopened_row(result, earlier)
        audit(
            Action.TASK_RETURNED,
            actor,
            target_type="task",
            target_id=row.pk,
            instance=instance,
            before={"task_spec": row.task_spec, "title": row.title},
            after={
                "to_task": reopened.pk,
                "to_spec": target.task_spec,
                "to_title": target.title,
                **({"jump": jump} if jump else {}),
            },
            reason=opinion,
        )
        after_turn(instance, result, actor)
        return reopened
