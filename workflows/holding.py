"""Holding an open task to act on it: the lock, and the refusals every operation on an open task
shares (closed, taken, delegated, awaiting added signers, an added signer's own part).

Every operation that changes an open task (complete, 退回, 转办/委派, 加签) starts here, so a
concurrent action that won is seen (409) and never overwritten."""

from __future__ import annotations

from core.errors import Conflict, NotFound, in_chinese
from core.service import Actor, require

from . import rows
from .models import WORKABLE_STATUSES, HumanTask, InstanceStatus, ProcessInstance


def taken() -> Conflict:
    return Conflict(
        "The task has already been claimed by someone else.", "该任务已被他人认领。", code="taken"
    )


def closed() -> Conflict:
    return Conflict("The task is no longer open.", "该任务已不再待办。", code="closed")


def already_signed() -> Conflict:
    return Conflict(
        "You have already signed this countersign; another signer must sign this part.",
        "您已在本次会签中签署过，此份须由其他人签署。",
        code="already_signed",
    )


def delegated_conflict() -> Conflict:
    return Conflict(
        "The task is delegated; the colleague hands it back first.",
        "该任务已委派，须由受托人交回委派人后再处理。",
        code="delegated",
    )


def awaiting_conflict() -> Conflict:
    return Conflict(
        "Added signers have yet to sign this task; wait for them or remove them first.",
        "该任务的加签人尚未签署，请等待签署或先减签。",
        code="awaiting_signers",
    )


def added_conflict() -> Conflict:
    return Conflict(
        "This is an added signer's part: sign it (agree or disagree); it cannot be handled otherwise.",
        "这是加签任务：请签署（同意或不同意），不能进行其他操作。",
        code="added_signer",
    )


def hold_open_task(
    task_id: int, actor: Actor, *, delegated: bool = False, awaiting: bool = False
) -> tuple[HumanTask, ProcessInstance, rows.TaskIds]:
    """Lock an open task and its instance for the one who may work it now (its assignee, or a
    member of its group while it is unclaimed); in a write transaction. Under READ COMMITTED a
    waiter gets the versions the previous holder committed, so a concurrent action that won is
    seen (409), never overwritten. `delegated`: the caller is the delegate handing it back;
    `awaiting`: the caller deals with a round of added signers itself (a completion)."""
    locked = rows.lock_task_and_instance(task_id)
    if locked is None:
        raise NotFound(f"Task {task_id} does not exist.", f"任务 {task_id} 不存在。")
    row, instance, task_ids = locked
    row.instance = instance
    if (
        row.status != HumanTask.Status.OPEN
        and actor is not None
        and actor.has_perm("workflows.claim_task", row)
    ):
        raise closed()  # lost a race to a colleague: a conflict, not a permission problem
    if (
        row.owner_id is not None
        and not delegated
        and getattr(actor, "pk", None) in (row.owner_id, row.assignee_id)
    ):
        # Only handing it back is open to the delegate, and nothing to the owner till then.
        raise delegated_conflict()
    require(actor, "workflows.work_task", row)
    if row.status != HumanTask.Status.OPEN:
        raise closed()
    if row.assignee_id is not None and row.assignee_id != getattr(actor, "pk", None):
        raise taken()
    if row.added_to_id is not None:
        raise added_conflict()
    if row.awaiting and not awaiting:
        raise awaiting_conflict()
    if instance.status not in WORKABLE_STATUSES:
        raise Conflict(
            f"The case is {instance.status}; its tasks cannot be worked on now.",
            f"该流程当前为“{in_chinese(InstanceStatus(instance.status).label)}”，暂不能办理任务。",
            code="instance_state",
        )
    return row, instance, task_ids
