"""Ending a case early: withdrawal (撤回, the enterprise or an operator on its behalf) and
cancellation (注销, the operator or the office), each with a reason.

One transaction: the case row is locked, the process instance is terminated (its open tasks
cancelled) and the stage set, or nothing happens at all.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied, in_chinese
from core.service import Actor, acting_user, audit, write_transaction
from workflows import instances
from workflows.guard import lock_instance
from workflows.models import OPEN_STATUSES

from ..models import CaseStage, ServiceCase
from .validation import reason_text

# Instances that can still be ended (a suspended or failed one too). One already terminated from
# the board or instance administration is left as it is: only the case's stage is set then.
_ENDABLE = OPEN_STATUSES


def _locked_case(case_id: int) -> ServiceCase:
    """The case row locked, after its instance's row: the same order as a task completion (instance,
    then the handler's case), so that a withdrawal racing a completion waits instead of deadlocking."""
    instance_id = ServiceCase.objects.filter(pk=case_id).values_list("instance_id", flat=True).first()
    if instance_id is not None:
        lock_instance(instance_id)
    case = (
        ServiceCase.objects.select_for_update(of=("self",))
        .select_related("project__operator", "enterprise__org_unit", "instance")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("No such case.", "办件不存在。")
    return case


def _require(actor: Actor, permission: str, case: ServiceCase) -> None:
    """actor None: the caller has authorised (the enterprise's case number and phone)."""
    if actor is None:
        return
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("Sign in first.", "请先登录。")
    if not actor.has_perm("cases.view_case", case):
        raise NotFound("No such case.", "办件不存在。")
    if not actor.has_perm(permission, case):
        raise PermissionDenied("You may not do this to this case.", "您无权对该办件执行此操作。")


def _end(case_id: int, *, actor: Actor, reason: str, stage: str, permission: str, action: str) -> ServiceCase:
    errors: list[FieldError] = []
    text = reason_text(reason, errors)
    with write_transaction():
        case = _locked_case(case_id)
        _require(actor, permission, case)
        if errors:
            raise InvalidInput("A reason is required.", "请填写原因。", fields=errors)
        if not case.is_open:
            raise Conflict(
                f"The case is {case.stage}; it cannot be ended now.",
                f"该办件当前为“{in_chinese(CaseStage(case.stage).label)}”，不能再撤回或注销。",
                code="case_state",
            )
        before = case.stage
        instance = case.instance
        # The stage first: terminating the instance tells casemgmt.cases.engine_events, which
        # cancels a case that is still open (as when the board ends it); this one is not.
        case.stage = stage
        case.end_reason = text
        case.save(update_fields=["stage", "end_reason", "updated_at"])
        if instance is not None and instance.status in _ENDABLE:
            # The case decision was authorised above; the engine's own check is for instance
            # administration, which an enterprise does not hold, so the system ends the instance.
            operator = (
                actor
                if actor is not None and actor.has_perm("workflows.operate_instance", instance)
                else None
            )
            instances.terminate(instance.pk, actor=operator, reason=text)
        audit(
            action,
            acting_user(actor),
            target_type="case",
            target_id=case.case_no,
            instance=instance,
            before={"stage": before},
            after={"stage": stage},
            reason=text,
        )
        return case


def withdraw_case(case_id: int, *, actor: Actor, reason: str) -> ServiceCase:
    return _end(
        case_id,
        actor=actor,
        reason=reason,
        stage=CaseStage.WITHDRAWN,
        permission="cases.withdraw_case",
        action=Action.CASE_WITHDRAWN,
    )


def cancel_case(case_id: int, *, actor: Actor, reason: str) -> ServiceCase:
    if actor is None:
        raise PermissionDenied("Only staff may cancel a case.", "只有工作人员可以注销办件。")
    return _end(
        case_id,
        actor=actor,
        reason=reason,
        stage=CaseStage.CANCELLED,
        permission="cases.cancel_case",
        action=Action.CASE_CANCELLED,
    )
