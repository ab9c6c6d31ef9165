"""Handing an open task to a colleague: 转办 (transfer, for good) and 委派 (delegate: the colleague
works it, then hands it back, and the delegator completes it). The colleague is someone who works
tasks in the task's org unit (registry.Directory.colleagues_in); a reason is required. Both are
human-task bookkeeping: the engine's state does not change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.actions import Action
from core.errors import Conflict, InvalidInput
from core.service import Actor, acting_user, audit, write_transaction

from . import registry, task_settings
from .guard import task_summary
from .holding import hold_open_task
from .models import HumanTask

REASON_MAX_LENGTH = 1000


def colleagues(task: HumanTask, user: Any) -> list[Any]:
    """Whom `user` may hand `task` to, by name: the unit's staff but themselves."""
    ids = [pk for pk in registry.directory().colleagues_in(task.candidate_org_unit) if pk != user.pk]
    people = get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")
    return list(people)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput.on_field("reason", "required", "请填写原因", "a reason is required")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput.on_field(
            "reason",
            "max_length",
            f"原因不能超过 {REASON_MAX_LENGTH} 字",
            f"at most {REASON_MAX_LENGTH} characters",
        )
    return reason


def _recipient(task: HumanTask, user: Any, username: str) -> Any:
    recipient = get_user_model().objects.filter(username=username, is_active=True).first()
    if recipient is None:
        raise InvalidInput.on_field("to", "not_found", "用户不存在", "no such active user")
    if recipient.pk == getattr(user, "pk", None):
        raise InvalidInput.on_field("to", "self", "不能转给自己", "not to yourself")
    if recipient.pk not in registry.directory().colleagues_in(task.candidate_org_unit):
        raise InvalidInput.on_field(
            "to",
            "not_colleague",
            "不是该任务所属单位的办理人员",
            "does not work tasks in the task's org unit",
        )
    return recipient


def _offered(task: HumanTask, operation: str) -> None:
    if not task_settings.settings_for(task).offers(operation):
        raise InvalidInput("This task does not offer that.", "该任务不提供此操作。", code="not_offered")


def transfer(task_id: int, *, actor: Actor, to: str, reason: str) -> HumanTask:
    return _hand_over(task_id, actor, to, reason, delegating=False)


def delegate(task_id: int, *, actor: Actor, to: str, reason: str) -> HumanTask:
    return _hand_over(task_id, actor, to, reason, delegating=True)


def _hand_over(task_id: int, actor: Actor, to: str, reason: str, *, delegating: bool) -> HumanTask:
    """转办 (for good) or 委派 (the delegator is recorded as owner and gets it back)."""
    reason = _reason(reason)
    with write_transaction():
        task, instance, _ids = hold_open_task(task_id, actor)
        _offered(task, "delegate" if delegating else "transfer")
        user = acting_user(actor)
        recipient = _recipient(task, user, to)
        before = task_summary(task)
        HumanTask.objects.filter(pk=task.pk).update(
            owner=user if delegating else None,
            assignee=recipient,
            claimed_by=recipient,
            claimed_at=timezone.now(),
        )
        task.refresh_from_db()
        after = task_summary(task)
        if delegating:
            after["owner"] = getattr(user, "username", None)
        audit(
            Action.TASK_DELEGATED if delegating else Action.TASK_TRANSFERRED,
            actor,
            target_type="task",
            target_id=task.pk,
            instance=instance,
            before=before,
            after=after,
            reason=reason,
        )
        return task


def hand_back(task_id: int, *, actor: Actor, opinion: str) -> HumanTask:
    """The colleague a task was delegated to hands it back to its owner, with their opinion."""
    opinion = task_settings.clean_opinion(opinion, required=True)
    with write_transaction():
        task, instance, _ids = hold_open_task(task_id, actor, delegated=True)
        if task.owner_id is None:
            raise Conflict("The task is not delegated.", "该任务不是委派任务。", code="not_delegated")
        before = task_summary(task)
        HumanTask.objects.filter(pk=task.pk).update(
            owner=None, assignee_id=task.owner_id, claimed_by_id=task.owner_id, claimed_at=timezone.now()
        )
        task.refresh_from_db()
        audit(
            Action.TASK_DELEGATION_RESOLVED,
            actor,
            target_type="task",
            target_id=task.pk,
            instance=instance,
            before=before,
            after=task_summary(task),
            reason=opinion,
        )
        return task
