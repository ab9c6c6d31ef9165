"""What every engine write does first: find and lock its rows, check the actor, and log it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from audit.services import Batch as AuditBatch
from audit.services import batch as audit_batch
from audit.services import record
from config.errors import FieldError, InvalidInput, NotFound, PermissionDenied

from . import registry
from .models import HumanTask, ProcessInstance

Actor = User | AnonymousUser | None


@contextmanager
def write_transaction() -> Iterator[AuditBatch | None]:
    """One engine write: a transaction whose audit events are appended together at its end.

    Yields the audit batch when this is the outermost engine write (None inside another one),
    so that the caller may hand it the statements to run with its events
    (`AuditBatch.write_with_events`). When this opens the transaction itself, the final append
    carries COMMIT as well (config.statements): nothing of the transaction comes after it."""
    db = transaction.get_connection()
    ends_transaction = not db.in_atomic_block and db.get_autocommit()
    with transaction.atomic(), audit_batch(commit=ends_transaction) as opened:
        yield opened


def acting_user(actor: Actor) -> User | None:
    """The user to record as having acted, or None for the system and anonymous callers."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def lock_instance(instance_id: int) -> ProcessInstance:
    """SELECT … FOR UPDATE: one writer per instance at a time; the rest queue behind it."""
    instance = (
        ProcessInstance.objects.select_for_update(of=("self",))
        .select_related("version", "version__process_model")
        .filter(pk=instance_id)
        .first()
    )
    if instance is None:
        raise NotFound(f"Process instance {instance_id} does not exist.", f"流程实例 {instance_id} 不存在。")
    return instance


def get_task(task_id: int) -> HumanTask:
    task = HumanTask.objects.filter(pk=task_id).first()
    if task is None:
        raise NotFound(f"Task {task_id} does not exist.", f"任务 {task_id} 不存在。")
    return task


def allowed(actor: Actor, permission: str, obj: Any = None) -> bool:
    """actor=None is the system itself (beat jobs, management commands) and is always allowed."""
    return actor is None or (actor.is_authenticated and actor.has_perm(permission, obj))


def require(actor: Actor, permission: str, obj: Any = None) -> None:
    if not allowed(actor, permission, obj):
        raise PermissionDenied(
            f"You are not allowed to do this ({permission}).", f"您无权执行此操作（{permission}）。"
        )


def require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise InvalidInput(
            "A reason is required.",
            "必须填写原因。",
            fields=[FieldError("reason", "required", "必填项未填写", "a reason is required")],
        )


def audit(
    action: str,
    actor: Actor,
    *,
    target_type: str,
    target_id: Any,
    instance: ProcessInstance | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    role, org_unit = ("", "")
    user = acting_user(actor)
    if user is not None:
        role, org_unit = registry.directory().describe(user)
    record(
        action,
        actor=user,
        actor_role=role,
        actor_org_unit=org_unit,
        target_type=target_type,
        target_id=str(target_id),
        business_key=instance.business_key if instance is not None else "",
        instance_id=instance.pk if instance is not None else None,
        before=before,
        after=after,
        reason=reason,
    )


def task_summary(task: HumanTask) -> dict[str, Any]:
    return {
        "task_spec": task.task_spec,
        "title": task.title,
        "candidate_group": task.candidate_group,
        "assignee": getattr(task.assignee, "username", None),
        "status": task.status,
    }
