"""Instance lifecycle: start, suspend, resume, terminate, retry, and the timer sweep."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.service import Actor, acting_user, allowed, audit, require, require_reason, write_transaction

from . import message_dispatch, registry, rows, runtime, test_runs, timer_wake, transitions
from .guard import lock_instance
from .models import HumanTask, InstanceStatus, ProcessInstance, ProcessModel, ProcessModelVersion
from .signals import instance_terminated
from .transitions import Transition

logger = logging.getLogger(__name__)

MAX_START_DATA_KEYS = 200


def _resolve_version(model_key: str, version_number: int | None) -> ProcessModelVersion:
    version = rows.find_version(model_key, version_number or None)
    if version is None and not ProcessModel.objects.filter(key=model_key).exists():
        raise NotFound(f"Process model {model_key!r} does not exist.", f"流程模型 {model_key} 不存在。")
    if version is None:
        raise NotFound(
            f"Process model {model_key!r} has no such version.", f"流程模型 {model_key} 没有该版本。"
        )
    return version


def _refuse_disabled(model_key: str) -> None:
    if ProcessModel.objects.filter(key=model_key, enabled=False).exists():
        raise Conflict(
            f"Process model {model_key!r} is disabled: no new instances may start.",
            f"流程模型 {model_key} 已停用，不能发起新的实例。",
            code="model_disabled",
        )


def after_turn(instance: ProcessInstance, result: runtime.TurnResult, actor: Actor) -> None:
    """Audit what a turn changed and, for a finished cycle, start the next one."""
    for row in result.created:
        audit(
            Action.TASK_CREATED,
            None,
            target_type="task",
            target_id=row.pk,
            instance=instance,
            after={"task_spec": row.task_spec, "candidate_group": row.candidate_group},
        )
    for row in result.cancelled:
        audit(
            Action.TASK_CANCELLED,
            None,
            target_type="task",
            target_id=row.pk,
            instance=instance,
            before={"task_spec": row.task_spec},
        )
    if result.error is not None:
        audit(
            Action.INSTANCE_ERROR,
            actor,
            target_type="instance",
            target_id=instance.pk,
            instance=instance,
            after={"error": str(result.error), "task_spec": result.error.task_spec},
        )
    elif instance.status == InstanceStatus.COMPLETED:
        audit(
            Action.INSTANCE_COMPLETED, actor, target_type="instance", target_id=instance.pk, instance=instance
        )
        if result.continue_data is not None:
            _continue_as_new(instance, result.continue_data, actor)
    # A timer due soon gets a sweep queued for its due time once this transaction commits.
    timer_wake.wake_after_commit(instance.next_timer_at)
    # What it threw goes out, and buffered messages it now waits for come in, after commit.
    message_dispatch.after_turn(instance, result)


def _continue_as_new(previous: ProcessInstance, data: dict[str, Any], actor: Actor) -> ProcessInstance:
    """Long-lived cycles run as a chain of short instances (docs/design.md D7): state never accumulates."""
    latest = previous.version.process_model.latest_version() or previous.version
    instance = _create(
        latest,
        actor=None,
        data=data,
        business_key=previous.business_key,
        subject=previous.subject,
        org_unit_code=previous.org_unit_code,
        previous=previous,
    )
    audit(
        Action.INSTANCE_CONTINUED,
        actor,
        target_type="instance",
        target_id=instance.pk,
        instance=instance,
        before={"previous": previous.pk, "cycle": previous.cycle},
        after={"cycle": instance.cycle},
    )
    return instance


def _new_row(
    *,
    actor: Actor,
    business_key: str,
    subject: str,
    org_unit_code: str,
    previous: ProcessInstance | None = None,
) -> ProcessInstance:
    return ProcessInstance(
        state="{}",
        business_key=business_key,
        subject=subject,
        org_unit_code=org_unit_code,
        started_by=acting_user(actor),
        previous=previous,
        cycle=previous.cycle + 1 if previous is not None else 1,
    )


def _create(
    version: ProcessModelVersion,
    *,
    actor: Actor,
    data: dict[str, Any],
    business_key: str,
    subject: str,
    org_unit_code: str,
    previous: ProcessInstance | None = None,
) -> ProcessInstance:
    """Insert and run a new instance of `version` (the next cycle of `previous`)."""
    instance = _new_row(
        actor=actor,
        business_key=business_key,
        subject=subject,
        org_unit_code=org_unit_code,
        previous=previous,
    )
    instance.version = version
    # The row must exist before the first turn: handlers and human-task rows refer to it.
    task_ids = rows.insert_instance(instance)
    _first_turn(instance, actor, data, task_ids)
    return instance


def _first_turn(
    instance: ProcessInstance, actor: Actor, data: dict[str, Any], task_ids: rows.TaskIds
) -> None:
    """Run a just inserted instance up to its first wait (its rows go to the transaction's tail,
    core.db.tail, with the audit events)."""
    version = instance.version
    workflow = runtime.new_workflow(version, instance)
    workflow.data.update(data)
    workflow.task_tree.data.update(data)
    with runtime.acting_as(acting_user(actor)):
        result = runtime.turn(instance, workflow, set(), task_ids=task_ids)
    audit(
        Action.INSTANCE_STARTED,
        actor,
        target_type="instance",
        target_id=instance.pk,
        instance=instance,
        after={"model": version.process_model.key, "version": version.number, "data": data},
    )
    after_turn(instance, result, actor)


def start_instance(
    model_key: str,
    *,
    actor: Actor,
    data: dict[str, Any] | None = None,
    business_key: str = "",
    subject: str = "",
    org_unit_code: str = "",
    version_number: int | None = None,
    test: bool = False,
) -> ProcessInstance:
    """Start an instance of the model's newest version (or `version_number`) for an org unit;
    `test`: a process admin's test run (workflows/test_runs.py).

    The version and the org unit are looked up by the INSERT itself; the errors stay those of
    checking them one by one first: a missing org unit, then a missing model or version, then
    the permission."""
    data = data or {}
    if not isinstance(data, dict) or len(data) > MAX_START_DATA_KEYS:
        raise InvalidInput("Start data must be a JSON object.", "启动数据必须是 JSON 对象。")
    with write_transaction():
        target = {"model_key": model_key, "org_unit": org_unit_code}
        permission = test_runs.PERMISSION if test else "workflows.start_instance"
        if not allowed(actor, permission, target):
            _refuse_start(model_key, version_number, org_unit_code)
            require(actor, permission, target)  # raises PermissionDenied
        instance = _new_row(
            actor=actor, business_key=business_key, subject=subject, org_unit_code=org_unit_code
        )
        instance.is_test = test
        task_ids = rows.insert_started_instance(
            instance, model_key, version_number or None, registry.directory().org_unit_exists_clause()
        )
        if task_ids is None:
            _refuse_start(model_key, version_number, org_unit_code)
            raise RuntimeError(f"start of {model_key!r} inserted nothing, yet its version and org unit exist")
        _first_turn(instance, actor, data, task_ids)
        return instance


def _refuse_start(model_key: str, version_number: int | None, org_unit_code: str) -> None:
    """Raise the error for a start whose org unit, model or version is missing, or whose model is
    disabled, if one is."""
    if not registry.directory().org_unit_exists(org_unit_code):
        raise InvalidInput(
            "The org unit does not exist.",
            "所属单位不存在。",
            fields=[FieldError("org_unit", "not_found", "所属单位不存在", f"no org unit {org_unit_code!r}")],
        )
    _resolve_version(model_key, version_number)
    _refuse_disabled(model_key)


def _cancel_open_tasks(instance: ProcessInstance) -> None:
    instance.human_tasks.filter(status__in=(HumanTask.Status.OPEN, HumanTask.Status.AWAITING)).update(
        status=HumanTask.Status.CANCELLED, completed_at=timezone.now()
    )


def _begin(transition: Transition, instance_id: int, actor: Actor, reason: str) -> ProcessInstance:
    """Lock, then check permission, reason and source status, in that order, for any transition."""
    instance = lock_instance(instance_id)
    require(actor, transition.permission, instance)
    if transition.reason_required:
        require_reason(reason)
    if not transition.allows(instance):
        raise Conflict(transition.refused_en, transition.refused_zh, code="status")
    return instance


def _record(
    transition: Transition, actor: Actor, instance: ProcessInstance, before: str, reason: str
) -> None:
    audit(
        transition.action,
        actor,
        target_type="instance",
        target_id=instance.pk,
        instance=instance,
        before={"status": before},
        after={"status": instance.status},
        reason=reason,
    )


def suspend(instance_id: int, *, actor: Actor, reason: str) -> ProcessInstance:
    with write_transaction():
        instance = _begin(transitions.SUSPEND, instance_id, actor, reason)
        before = instance.status
        instance.suspended_from = instance.status
        instance.status = InstanceStatus.SUSPENDED
        instance.row_version += 1
        instance.save(update_fields=["status", "suspended_from", "row_version"])
        _record(transitions.SUSPEND, actor, instance, before, reason)
        return instance


def resume(instance_id: int, *, actor: Actor, reason: str) -> ProcessInstance:
    with write_transaction():
        instance = _begin(transitions.RESUME, instance_id, actor, reason)
        instance.status = instance.suspended_from or InstanceStatus.RUNNING
        instance.suspended_from = ""
        instance.row_version += 1
        instance.save(update_fields=["status", "suspended_from", "row_version"])
        _record(transitions.RESUME, actor, instance, InstanceStatus.SUSPENDED, reason)
        return instance


def terminate(instance_id: int, *, actor: Actor, reason: str) -> ProcessInstance:
    with write_transaction():
        instance = _begin(transitions.TERMINATE, instance_id, actor, reason)
        before = instance.status
        instance.status = InstanceStatus.TERMINATED
        instance.ended_at = timezone.now()
        instance.next_timer_at, instance.timer_specs = None, []
        instance.row_version += 1
        instance.save(update_fields=["status", "ended_at", "next_timer_at", "timer_specs", "row_version"])
        _cancel_open_tasks(instance)
        _record(transitions.TERMINATE, actor, instance, before, reason)
        instance_terminated.send(sender=ProcessInstance, instance=instance, actor=actor, reason=reason)
        return instance


def retry(instance_id: int, *, actor: Actor, reason: str = "") -> ProcessInstance:
    with write_transaction():
        instance = _begin(transitions.RETRY, instance_id, actor, reason)
        workflow = runtime.load_workflow(instance)
        open_before = runtime.open_task_ids(workflow)
        runtime.reset_errored_tasks(workflow)
        previous_error = instance.last_error
        with runtime.acting_as(acting_user(actor)):
            result = runtime.turn(instance, workflow, open_before)
        audit(
            Action.INSTANCE_RETRIED,
            actor,
            target_type="instance",
            target_id=instance.pk,
            instance=instance,
            before={"error": previous_error},
            after={"status": instance.status},
            reason=reason,
        )
        after_turn(instance, result, actor)
        return instance


def fire_due_timers(limit: int = 100) -> int:
    """Advance up to `limit` instances whose next timer is due, each in its own transaction; rows
    another transaction holds are skipped, not waited for (SKIP LOCKED). The sweep itself, its
    hand-on to further jobs and its wake-ups are workflows/timer_sweep.py's (which builds on this
    module, hence the import here)."""
    from .timer_sweep import fire_due

    return fire_due(limit)
