"""Working a human task: claim, unclaim, assign, complete."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from SpiffWorkflow.util.task import TaskState

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput, NotFound, in_chinese
from core.service import Actor, acting_user, audit, require, write_transaction

from . import countersign, registry, rows, runtime, task_settings
from .forms import validate_task_data
from .guard import get_task, task_summary
from .instances import after_turn
from .models import WORKABLE_STATUSES, HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion
from .spec_cache import compiled


def _taken() -> Conflict:
    return Conflict(
        "The task has already been claimed by someone else.", "该任务已被他人认领。", code="taken"
    )


def _closed() -> Conflict:
    return Conflict("The task is no longer open.", "该任务已不再待办。", code="closed")


def _already_signed() -> Conflict:
    return Conflict(
        "You have already signed this countersign; another signer must sign this part.",
        "您已在本次会签中签署过，此份须由其他人签署。",
        code="already_signed",
    )


def _signed_by(task: HumanTask, user: Any) -> bool:
    """Whether `user` has already signed another part of `task`'s countersign, from the task rows:
    for a claim, which loads no state (a completion reads it from the state it loads anyway,
    countersign.signed_before)."""
    return (
        task.countersign is not None
        and HumanTask.objects.filter(
            countersign=task.countersign, completed_by=user, status=HumanTask.Status.COMPLETED
        ).exists()
    )


def _named_signer(task: HumanTask) -> bool:
    """A countersign part assigned to one named person: it is theirs, never the lane group's."""
    return bool(task.signer) and "@" not in task.signer


def claim(task_id: int, *, actor: Actor) -> HumanTask:
    with write_transaction():
        task = get_task(task_id)
        require(actor, "workflows.claim_task", task)
        if _signed_by(task, acting_user(actor)):
            raise _already_signed()
        now = timezone.now()
        # The conditional update is the claim: of concurrent claimants exactly one matches a row.
        # It names the group the permission was checked against: a migration that moved the task
        # to another group after that check (and committed while this update waited for the row)
        # makes it match nothing, and the claim is judged again against the group it has now.
        won = HumanTask.objects.filter(
            pk=task_id,
            assignee__isnull=True,
            status=HumanTask.Status.OPEN,
            candidate_group=task.candidate_group,
        ).update(assignee=acting_user(actor), claimed_by=acting_user(actor), claimed_at=now)
        if not won:
            checked_group = task.candidate_group
            task.refresh_from_db()
            if task.status != HumanTask.Status.OPEN:
                raise _closed()
            if task.assignee_id is not None or task.candidate_group == checked_group:
                raise _taken()
            require(actor, "workflows.claim_task", task)
            raise Conflict(
                "The task moved to another group while you claimed it; claim it again.",
                "您认领时该任务已转至其他组，请重新认领。",
                code="moved",
            )
        task.refresh_from_db()
        audit(
            Action.TASK_CLAIMED,
            actor,
            target_type="task",
            target_id=task.pk,
            instance=task.instance,
            after=task_summary(task),
        )
        return task


def unclaim(task_id: int, *, actor: Actor) -> HumanTask:
    with write_transaction():
        task = get_task(task_id)
        require(actor, "workflows.claim_task", task)
        if _named_signer(task):
            raise _signer_named()
        if task.owner_id is not None:
            raise delegated_conflict()
        released = HumanTask.objects.filter(
            pk=task_id, assignee=acting_user(actor), status=HumanTask.Status.OPEN
        ).update(assignee=None, claimed_at=None, claimed_by=None)
        if not released:
            raise Conflict(
                "Only the current assignee can release an open task.",
                "只有当前办理人可以释放待办任务。",
                code="not_assignee",
            )
        task.refresh_from_db()
        audit(
            Action.TASK_UNCLAIMED,
            actor,
            target_type="task",
            target_id=task.pk,
            instance=task.instance,
            after=task_summary(task),
        )
        return task


def _signer_named() -> Conflict:
    return Conflict(
        "This countersign part is assigned to a named signer; it cannot be released or reassigned.",
        "此份会签已指定签署人，不能释放或改派。",
        code="named_signer",
    )


def assign(task_id: int, *, actor: Actor, assignee_username: str, reason: str = "") -> HumanTask:
    with write_transaction():
        # Locked before any check: the group the assignee must belong to is the one the task has
        # when the assignment is written, not one a concurrent migration has since replaced.
        task = HumanTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise NotFound(f"Task {task_id} does not exist.", f"任务 {task_id} 不存在。")
        require(actor, "workflows.assign_task", task)
        if _named_signer(task):
            raise _signer_named()
        if task.owner_id is not None:
            raise delegated_conflict()
        assignee = get_user_model().objects.filter(username=assignee_username, is_active=True).first()
        if assignee is None:
            raise InvalidInput(
                "No such user.",
                "用户不存在。",
                fields=[FieldError("assignee", "not_found", "用户不存在", "no such active user")],
            )
        if not registry.directory().same_group(assignee, task.candidate_group):
            raise InvalidInput(
                "The assignee does not hold the task's role in its org unit.",
                "被指派人不具备该任务所需的角色或不属于该单位。",
                fields=[
                    FieldError(
                        "assignee", "not_candidate", "不是该任务的候选人", "not a candidate for this task"
                    )
                ],
            )
        locked = task
        if locked.status != HumanTask.Status.OPEN:
            raise _closed()
        before = task_summary(locked)
        locked.assignee = assignee
        locked.claimed_by = assignee
        locked.claimed_at = timezone.now()
        locked.save(update_fields=["assignee", "claimed_by", "claimed_at"])
        audit(
            Action.TASK_ASSIGNED,
            actor,
            target_type="task",
            target_id=locked.pk,
            instance=locked.instance,
            before=before,
            after=task_summary(locked),
            reason=reason,
        )
        return locked


def form_schema(task: HumanTask, version: ProcessModelVersion | None = None) -> dict[str, Any] | None:
    if not task.form_file:
        return None
    schema = compiled(version or task.instance.version).forms.get(task.form_file)
    return schema if isinstance(schema, dict) else None


def _checked_opinion(row: HumanTask, version: ProcessModelVersion, opinion: str) -> str:
    """The opinion as the task's model allows it (task_settings): required, offered or neither."""
    settings = task_settings.settings_for(row, version)
    if opinion.strip() and not settings.offers("opinion") and not settings.opinion_required:
        raise InvalidInput.on_field(
            "opinion", "not_offered", "该任务不填写审批意见", "this task takes no opinion"
        )
    return task_settings.clean_opinion(opinion, required=settings.opinion_required)


def delegated_conflict() -> Conflict:
    return Conflict(
        "The task is delegated; the colleague hands it back first.",
        "该任务已委派，须由受托人交回委派人后再处理。",
        code="delegated",
    )


def hold_open_task(
    task_id: int, actor: Actor, *, delegated: bool = False
) -> tuple[HumanTask, ProcessInstance, rows.TaskIds]:
    """Lock an open task and its instance for the one who may work it now (its assignee, or a
    member of its group while it is unclaimed); in a write transaction. Under READ COMMITTED a
    waiter gets the versions the previous holder committed, so a concurrent action that won is
    seen (409), never overwritten."""
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
        raise _closed()  # lost a race to a colleague: a conflict, not a permission problem
    if (
        row.owner_id is not None
        and not delegated
        and getattr(actor, "pk", None) in (row.owner_id, row.assignee_id)
    ):
        # Only handing it back is open to the delegate, and nothing to the owner till then.
        raise delegated_conflict()
    require(actor, "workflows.work_task", row)
    if row.status != HumanTask.Status.OPEN:
        raise _closed()
    if row.assignee_id is not None and row.assignee_id != getattr(actor, "pk", None):
        raise _taken()
    if instance.status not in WORKABLE_STATUSES:
        raise Conflict(
            f"The case is {instance.status}; its tasks cannot be worked on now.",
            f"该流程当前为“{in_chinese(InstanceStatus(instance.status).label)}”，暂不能办理任务。",
            code="instance_state",
        )
    return row, instance, task_ids


def complete(task_id: int, *, actor: Actor, data: Any, opinion: str = "") -> HumanTask:
    with write_transaction():
        row, instance, task_ids = hold_open_task(task_id, actor)
        user = acting_user(actor)
        version = rows.attach_version(instance)
        data = validate_task_data(data, form_schema(row, version), user)
        opinion = _checked_opinion(row, version, opinion)
        workflow = runtime.load_workflow(instance)
        open_before = runtime.open_task_ids(workflow)
        spiff_task = runtime.find_task(workflow, row.spiff_task_id)
        if spiff_task is None or spiff_task.state != TaskState.READY:
            raise NotFound("The task is not ready in the workflow.", "该任务在流程中不是待办状态。")
        signing = row.countersign is not None
        if signing and countersign.signed_before(spiff_task, getattr(user, "username", "")):
            raise _already_signed()
        signer = countersign.prepare(spiff_task) if signing else None
        spiff_task.data.update(data)
        failed = runtime.run_human_task(spiff_task)
        if signing and failed is None:
            countersign.record_signature(spiff_task, signer, getattr(user, "username", ""))
        now = timezone.now()
        row.status = HumanTask.Status.COMPLETED
        row.completed_at = now
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
        audit(
            Action.TASK_COMPLETED,
            actor,
            target_type="task",
            target_id=row.pk,
            instance=instance,
            after={"task_spec": row.task_spec, "data": data, **({"opinion": opinion} if opinion else {})},
        )
        after_turn(instance, result, actor)
        return row
