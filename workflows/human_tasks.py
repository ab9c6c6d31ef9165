"""Working a human task: claim, unclaim, assign, complete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.service import Actor, acting_user, audit, require, write_transaction

from . import added_signers, completion, copies, countersign, registry, resubmit, rows, task_settings
from .forms import validate_task_data
from .guard import get_task, task_summary
from .holding import added_conflict, already_signed, closed, delegated_conflict, hold_open_task, taken
from .models import HumanTask, ProcessModelVersion
from .spec_cache import compiled


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
            raise already_signed()
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
                raise closed()
            if task.assignee_id is not None or task.candidate_group == checked_group:
                raise taken()
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
        if task.added_to_id is not None:
            raise added_conflict()
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
        if task.added_to_id is not None:
            raise added_conflict()
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
            raise closed()
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


def _checked_opinion(settings: task_settings.TaskSettings, opinion: str, data: Any) -> str:
    """The opinion as the task's model allows it (task_settings): required (by the model, or for
    不同意), offered or neither."""
    required = task_settings.opinion_needed(settings, data)
    comment = data.get(countersign.COMMENT_FIELD) if isinstance(data, dict) else None
    if required and not opinion.strip() and isinstance(comment, str):
        opinion = comment  # a countersign form's own comment field is the signer's opinion
    if opinion.strip() and not settings.offers("opinion") and not required:
        raise InvalidInput.on_field(
            "opinion", "not_offered", "该任务不填写审批意见", "this task takes no opinion"
        )
    return task_settings.clean_opinion(opinion, required=required)


def complete(
    task_id: int,
    *,
    actor: Actor,
    data: Any,
    opinion: str = "",
    copy_to: Sequence[Any] = (),
    after_signers: Sequence[Any] = (),
) -> HumanTask:
    """Complete an open task with its form data and opinion. `copy_to`: readers chosen to be sent
    a copy (抄送); `after_signers`: people who must also sign before the process moves on
    (后加签). While added signers are open the submission is held (added_signers.hold)."""
    with write_transaction():
        row, instance, task_ids = hold_open_task(task_id, actor, awaiting=True)
        user = acting_user(actor)
        version = rows.attach_version(instance)
        settings = task_settings.settings_for(row, version)
        data = validate_task_data(data, form_schema(row, version), user)
        opinion = _checked_opinion(settings, opinion, data)
        chosen = copies.chosen(settings, copy_to, user)
        if row.awaiting or after_signers:
            added_signers.hold(row, instance, actor, data, opinion, chosen, after_signers)
            return row
        completion.finish(
            row,
            instance,
            task_ids,
            user=user,
            actor=actor,
            data=data,
            opinion=opinion,
            settings=settings,
            copy_to=chosen,
            jump=resubmit.jump_for(row) if settings.resubmit_to_returner else None,
        )
        return row
