"""撤回 (recall): whoever completed a user task takes it back while what followed it has not been
worked yet: every next human task still open and unclaimed, no later human task completed, and no
service step run in between (its effects on the case could not be taken back). The task opens
again for them; the next tasks are cancelled."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.util.task import TaskState

from audit.actions import Action
from core.errors import Conflict, NotFound, PermissionDenied
from core.service import Actor, acting_user, audit, write_transaction

from . import rewind, rows, runtime, task_settings
from .instances import after_turn
from .models import WORKABLE_STATUSES, HumanTask


def _refused(en: str, zh: str, code: str) -> Conflict:
    return Conflict(en, zh, code=code)


def _next_rows(row: HumanTask, later_ids: set[Any]) -> list[HumanTask]:
    """The open rows of the next steps, locked: a claim racing the recall either committed first
    (and is seen here) or waits, then finds its row cancelled."""
    return list(
        HumanTask.objects.select_for_update()
        .filter(instance_id=row.instance_id, status=HumanTask.Status.OPEN, spiff_task_id__in=later_ids)
        .order_by("id")
    )


def may_recall(row: HumanTask, user: Any) -> bool:
    """Whether the task page offers 撤回 on `row` to `user` (the service decides for good)."""
    return (
        row.status == HumanTask.Status.COMPLETED
        and row.superseded == 0
        and row.completed_by_id == getattr(user, "pk", None)
        and row.countersign is None
        and row.added_to_id is None
        and row.instance.status in WORKABLE_STATUSES
        and task_settings.settings_for(row).offers("recall")
        and HumanTask.objects.filter(
            instance_id=row.instance_id, status=HumanTask.Status.OPEN, assignee__isnull=True
        ).exists()
    )


def recall(task_id: int, *, actor: Actor) -> HumanTask:
    """Take back the completed task `task_id`; returns its reopened row."""
    with write_transaction():
        locked = rows.lock_task_and_instance(task_id)
        if locked is None:
            raise NotFound(f"Task {task_id} does not exist.", f"任务 {task_id} 不存在。")
        row, instance, task_ids = locked
        row.instance = instance
        user = acting_user(actor)
        if row.completed_by_id is None or row.completed_by_id != getattr(user, "pk", None):
            raise PermissionDenied(
                "Only the person who completed the task can recall it.",
                "只有办理该任务的人可以撤回。",
                code="not_yours",
            )
        if row.status != HumanTask.Status.COMPLETED or row.superseded != 0 or row.added_to_id is not None:
            raise _refused("The task is not a completed step.", "该任务不是已办结的环节。", "not_completed")
        if instance.status not in WORKABLE_STATUSES:
            raise _refused(
                "The process is not running; nothing can be recalled.",
                "流程未在运行，不能撤回。",
                "instance_state",
            )
        if not task_settings.settings_for(row).offers("recall"):
            raise _refused("This task cannot be recalled.", "该任务不提供撤回。", "not_offered")
        workflow = runtime.load_workflow(instance)
        open_before = runtime.open_task_ids(workflow)
        done = runtime.find_task(workflow, row.spiff_task_id)
        if done is None or not rewind.is_completed(done):
            raise NotFound("The step is no longer in the workflow.", "该环节已不在流程中。")
        later = list(rewind.descendants(done))
        if any(t.state == TaskState.COMPLETED and t.task_spec.manual for t in later):
            raise _refused(
                "A later step has been completed; it can no longer be recalled.",
                "后续环节已办理，不能撤回。",
                "next_done",
            )
        if any(t.state == TaskState.COMPLETED and isinstance(t.task_spec, ServiceTask) for t in later):
            raise _refused(
                "The system has already acted on this step; it cannot be recalled.",
                "系统已根据该环节执行了后续处理，不能撤回。",
                "service_ran",
            )
        following = _next_rows(row, {t.id for t in later if t.state == TaskState.READY})
        if not following:
            raise _refused(
                "No next step waits; there is nothing to recall.",
                "没有等待办理的后续环节，不能撤回。",
                "nothing_next",
            )
        if any(r.assignee_id is not None for r in following):
            raise _refused(
                "The next step has been claimed; it can no longer be recalled.",
                "后续环节已被认领，不能撤回。",
                "next_claimed",
            )
        if any(r.countersign is not None for r in following):
            raise _refused(
                "A countersign has started after this step; it cannot be recalled.",
                "该环节之后已开始会签，不能撤回。",
                "countersign",
            )
        with runtime.acting_as(user):
            result = rewind.reopen(instance, workflow, open_before, done, row, task_ids)
        reopened = rewind.reopened_row(result, done)
        audit(
            Action.TASK_RECALLED,
            actor,
            target_type="task",
            target_id=row.pk,
            instance=instance,
            after={"reopened": reopened.pk, "cancelled": [r.pk for r in result.cancelled]},
        )
        after_turn(instance, result, actor)
        return reopened
