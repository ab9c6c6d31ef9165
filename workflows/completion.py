"""Completing a human task in the engine: the one body behind a plain completion
(human_tasks.complete) and a held one released when its added signers have signed
(added_signers). Called inside the caller's write transaction with the instance locked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from SpiffWorkflow.util.task import TaskState

from audit.actions import Action
from core.errors import NotFound
from core.service import Actor, audit

from . import copies, countersign, resubmit, runtime, task_settings
from .holding import already_signed
from .instances import after_turn
from .models import HumanTask, ProcessInstance
from .rows import TaskIds


def finish(
    row: HumanTask,
    instance: ProcessInstance,
    task_ids: TaskIds,
    *,
    user: Any,
    actor: Actor,
    data: dict[str, Any],
    opinion: str,
    settings: task_settings.TaskSettings,
    copy_to: list[str],
    completed_at: datetime | None = None,
    record: bool = True,
    jump: resubmit.Jump | None = None,
) -> None:
    """Run `row`'s ready Spiff task with `data` as `user`'s, take the engine's turn, copy it to
    its readers. `record`: write the task.completed event (a held completion wrote it when it was
    submitted). `jump`: the task was sent back and goes straight back to the returner
    (workflows/resubmit.py)."""
    workflow = runtime.load_workflow(instance)
    open_before = runtime.open_task_ids(workflow)
    spiff_task = runtime.find_task(workflow, row.spiff_task_id)
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise NotFound("The task is not ready in the workflow.", "该任务在流程中不是待办状态。")
    signing = row.countersign is not None
    username = getattr(user, "username", "")
    if signing and countersign.signed_before(spiff_task, username):
        raise already_signed()
    signer = countersign.prepare(spiff_task) if signing else None
    spiff_task.data.update(data)
    failed = runtime.run_human_task(spiff_task)
    if signing and failed is None:
        countersign.record_signature(spiff_task, signer, username)
    if jump is not None and failed is None:
        failed = resubmit.replay(workflow, jump, open_before)
    now = timezone.now()
    row.status = HumanTask.Status.COMPLETED
    row.completed_at = completed_at or now
    row.completed_by = user
    row.opinion = opinion
    if row.assignee_id is None:
        row.assignee = user
        row.claimed_by = user
        row.claimed_at = now
    with runtime.acting_as(user):
        # The turn's rows wait in the transaction's tail: they go with the audit events and
        # COMMIT in one round trip when the block ends.
        result = runtime.turn(
            instance, workflow, open_before, completed=row, task_ids=task_ids, failed=failed
        )
    if record:
        audit(
            Action.TASK_COMPLETED,
            actor,
            target_type="task",
            target_id=row.pk,
            instance=instance,
            after={"task_spec": row.task_spec, "data": data, **({"opinion": opinion} if opinion else {})},
        )
    if jump is not None:
        resubmit.give_back(result, jump)
    copies.send(row, instance, settings, copy_to, user)  # the holder copies, even when a signer settles it
    after_turn(instance, result, actor)
