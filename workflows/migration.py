"""Moving an open instance to another version of its process model (docs/design.md D9).

Spiff aligns the two versions' task specs by BPMN id (then by shape), re-points the instance's
tasks at the new specs, and resets its ready and waiting tasks so that what follows them is
predicted from the new definition. A ready human task keeps its id, so its inbox row carries on
(refreshed from the new definition); a waiting timer keeps the time it falls due (the reset would
re-arm it: the time is put back), unless the move is asked to restart timers.

An instance is refused when any task it has reached, finished ones included, has no counterpart
in the target: its state could no longer be read against that version. Steps it has not reached
yet (Spiff's predictions) are dropped with the reset and predicted afresh, so their removal does
not block. `plan()` is the dry run: it reports all of this, changes nothing and locks nothing; a
migration can be told which plan it confirms (`expected`, the plan's fingerprint) and is refused
when the plan is no longer that one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput, in_chinese
from core.service import Actor, acting_user, audit, require, require_reason, write_transaction

from . import call_specs, migration_state, rows, runtime, signers, state
from .guard import get_instance, lock_instance
from .instances import after_turn
from .models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion
from .spec_cache import compiled

PERMISSION = "workflows.manage_instance"
# Running and waiting instances move on at once under the new definition. A failed one keeps its
# error and runs the failed step under the new definition when retried: fixing a diagram and
# migrating is how a design error is repaired. A suspended one must be resumed first, so that
# nobody is surprised by a process that changed while it was parked.
MIGRATABLE = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR)

# Spiff compares specs through their serialized form.
_registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)


@dataclass(frozen=True)
class Blocker:
    code: str
    message_en: str
    message_zh: str


@dataclass
class MigrationPlan:
    instance_id: int
    model_key: str
    from_version: int
    to_version: int
    open_tasks: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restarted_timers: list[str] = field(default_factory=list)
    # Waiting timers that keep the time they fall due ({"task", "due"}): the default, as in Camunda.
    kept_timers: list[dict[str, str]] = field(default_factory=list)
    blockers: list[Blocker] = field(default_factory=list)

    @property
    def can_migrate(self) -> bool:
        return not self.blockers

    @property
    def fingerprint(self) -> str:
        """What a person confirms when they confirm this plan: the target and every change."""
        seen = {k: v for k, v in asdict(self).items() if k != "blockers"}
        return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "can_migrate": self.can_migrate, "fingerprint": self.fingerprint}


@dataclass
class _Diffs:
    top: WorkflowDiff
    subprocesses: dict[Any, tuple[WorkflowDiff, Any]]


def plan(
    instance_id: int, *, actor: Actor, version_number: int | None = None, restart_timers: bool = False
) -> MigrationPlan:
    """What migrating would do, without doing it. One row read: the state and the version it runs
    are one consistent picture without a lock, and a page view must never wait for a writer."""
    with transaction.atomic():
        instance = _checked(instance_id, actor, lock=False)
        target = _target(instance, version_number)
        workflow = runtime.load_workflow(instance)
        return _plan(instance, workflow, target, restart_timers)[0]


def migrate(
    instance_id: int,
    *,
    actor: Actor,
    reason: str,
    version_number: int | None = None,
    expected: str | None = None,
    via: str = "",
    restart_timers: bool = False,
) -> tuple[ProcessInstance, MigrationPlan]:
    """Move the instance to `version_number` (the model's newest when None), or refuse with the
    plan's blockers, or when `expected` is given and the plan is no longer the one with that
    fingerprint; one transaction, audited with the plan (`via`: the channel when it is not a page
    or the API, e.g. the command line and who ran it)."""
    with write_transaction():
        instance = _checked(instance_id, actor)
        require_reason(reason)
        target = _target(instance, version_number)
        workflow = runtime.load_workflow(instance)
        found, diffs = _plan(instance, workflow, target, restart_timers)
        if expected is not None and expected != found.fingerprint:
            raise Conflict(
                "The migration plan changed since it was shown (the instance moved on, or another "
                "version was deployed); review the new plan and confirm again.",
                "迁移方案在您查看后已发生变化（实例已推进或部署了新版本），请查看新方案后再确认。",
                code="plan_changed",
            )
        if not found.can_migrate:
            raise Conflict(
                "The instance cannot move to that version: "
                + " ".join(blocker.message_en for blocker in found.blockers),
                "该实例不能迁移到此版本：" + "".join(blocker.message_zh for blocker in found.blockers),
                code="not_migratable",
            )
        open_before = runtime.open_task_ids(workflow)
        due = migration_state.timer_values(workflow)
        kept = migration_state.task_data(workflow)
        _apply(workflow, diffs, target)
        migration_state.restore_data(workflow, kept)
        if not restart_timers:
            migration_state.restore_timers(workflow, due)
        source = instance.version
        instance.version = target
        if instance.status == InstanceStatus.ERROR:
            result = runtime.TurnResult()
            _save_without_running(instance, workflow)
        else:
            with runtime.acting_as(acting_user(actor)):
                result = runtime.turn(instance, workflow, open_before)
        refreshed, moved = _refresh_open_rows(instance, workflow, {row.pk for row in result.created})
        audit(
            Action.INSTANCE_MIGRATED,
            actor,
            target_type="instance",
            target_id=instance.pk,
            instance=instance,
            before={"model": source.process_model.key, "version": source.number},
            after={
                "version": target.number,
                "changed": found.changed,
                "added": found.added,
                "restarted_timers": found.restarted_timers,
                "kept_timers": found.kept_timers,
                "refreshed_tasks": refreshed,
                **({"via": via} if via else {}),
            },
            reason=reason,
        )
        _record_moves(instance, moved, actor, reason)
        after_turn(instance, result, actor)
        return instance, found


def _checked(instance_id: int, actor: Actor, *, lock: bool = True) -> ProcessInstance:
    instance = lock_instance(instance_id) if lock else get_instance(instance_id)
    require(actor, PERMISSION, instance)
    if instance.status not in MIGRATABLE:
        label = InstanceStatus(instance.status).label
        raise Conflict(
            f"A {instance.status} instance cannot be migrated"
            + (" (resume it first)." if instance.status == InstanceStatus.SUSPENDED else "."),
            f"“{in_chinese(label)}”的实例不能迁移"
            + ("（请先恢复）。" if instance.status == InstanceStatus.SUSPENDED else "。"),
            code="status",
        )
    if HumanTask.objects.filter(instance=instance, status=HumanTask.Status.AWAITING).exists():
        # Its held submission was made under the old definition: settle the round first.
        raise Conflict(
            "A task of the instance awaits added signers; migrate it once they have signed.",
            "该实例有任务正在等待加签人签署，签署完毕后再迁移。",
            code="awaiting_signers",
        )
    return instance


def _target(instance: ProcessInstance, version_number: int | None) -> ProcessModelVersion:
    model_key = instance.version.process_model.key
    target = rows.find_version(model_key, version_number)
    if target is None:
        raise InvalidInput(
            "The process model has no such version.",
            "流程模型没有该版本。",
            fields=[
                FieldError(
                    "version", "not_found", "版本不存在", f"{model_key} has no version {version_number}"
                )
            ],
        )
    if target.pk == instance.version_id:
        raise InvalidInput(
            "The instance already runs that version.",
            "该实例已在运行此版本。",
            fields=[FieldError("version", "same_version", "已是当前版本", "the instance already runs it")],
        )
    return target


def _plan(
    instance: ProcessInstance, workflow: BpmnWorkflow, target: ProcessModelVersion, restart_timers: bool
) -> tuple[MigrationPlan, _Diffs]:
    new = compiled(target)
    spec_diff = SpecDiff(_registry, workflow.spec, new.spec)
    diffs = _Diffs(top=WorkflowDiff(workflow, spec_diff), subprocesses={})
    changed = {task.task_spec.name for task in diffs.top.changed}
    removed = {task.task_spec.name for task in diffs.top.removed if _blocks(task)}
    added = {spec.name for spec in spec_diff.added}
    missing: set[str] = set()
    for sp_id, subworkflow in workflow.subprocesses.items():
        if call_specs.pin_of(subworkflow.spec) is not None:
            continue  # a call by key keeps the version it runs (workflows/call_specs.py)
        name = subworkflow.spec.name
        new_spec = new.subprocess_specs.get(name)
        if new_spec is None:
            missing.add(name)
            continue
        sub_diff = SpecDiff(_registry, subworkflow.spec, new_spec)
        found = WorkflowDiff(subworkflow, sub_diff)
        diffs.subprocesses[sp_id] = (found, new_spec)
        changed |= {task.task_spec.name for task in found.changed}
        removed |= {task.task_spec.name for task in found.removed if _blocks(task)}
        added |= {spec.name for spec in sub_diff.added}
    result = MigrationPlan(
        instance_id=instance.pk,
        model_key=target.process_model.key,
        from_version=instance.version.number,
        to_version=target.number,
        open_tasks=sorted(task.task_spec.name for task in runtime.ready_human_tasks(workflow)),
        changed=sorted(changed),
        added=sorted(added),
        removed=sorted(removed),
    )
    waiting = sorted(migration_state.timer_values(workflow).values())
    if restart_timers:
        result.restarted_timers = [name for name, _ in waiting]
    else:
        result.kept_timers = [
            {"task": name, "due": migration_state.due_text(value)} for name, value in waiting
        ]
    if removed:
        result.blockers.append(
            Blocker(
                "removed_tasks",
                f"steps this instance has reached are gone from the target ({', '.join(sorted(removed))}).",
                f"该实例已经历的环节在目标版本中不存在（{'、'.join(sorted(removed))}）。",
            )
        )
    if missing:
        result.blockers.append(
            Blocker(
                "missing_subprocess",
                f"subprocesses it runs are not in the target version ({', '.join(sorted(missing))}).",
                f"该实例正在运行的子流程在目标版本中不存在（{'、'.join(sorted(missing))}）。",
            )
        )
    return result, diffs


def _blocks(task: Any) -> bool:
    """Whether a task whose step the target lacks blocks the move: one the instance has reached
    does; a prediction does not when the reset drops it (it hangs under a ready or waiting task)."""
    if not task.has_state(TaskState.PREDICTED_MASK):
        return True
    parent = task.parent
    while parent is not None:
        if parent.has_state(TaskState.READY | TaskState.WAITING):
            return False
        parent = parent.parent
    return True


def _apply(workflow: BpmnWorkflow, diffs: _Diffs, target: ProcessModelVersion) -> None:
    new = compiled(target)
    migrate_workflow(diffs.top, workflow, new.spec)
    for sp_id, (sub_diff, new_spec) in diffs.subprocesses.items():
        migrate_workflow(sub_diff, workflow.subprocesses[sp_id], new_spec)
    workflow.subprocess_specs = new.subprocess_specs


def _save_without_running(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    instance.state = state.dump(workflow)
    instance.row_version += 1
    instance.save(update_fields=["version", "state", "row_version"])


@dataclass(frozen=True)
class _Moved:
    """An open row whose group the new definition changed: who had it, and where it went."""

    row: HumanTask
    group_before: str
    assignee_before: str


def _refresh_open_rows(
    instance: ProcessInstance, workflow: BpmnWorkflow, just_created: set[int]
) -> tuple[list[int], list[_Moved]]:
    """Open rows whose task carried on show the new definition; a row whose group changed goes back
    to that group unclaimed. Returns the ids of the rows that changed, and those that moved."""
    refreshed: list[int] = []
    moved: list[_Moved] = []
    for row in HumanTask.objects.filter(instance=instance, status=HumanTask.Status.OPEN).exclude(
        pk__in=just_created
    ):
        task = runtime.find_task(workflow, row.spiff_task_id)
        if task is None or task.state != TaskState.READY:
            continue
        signed = None
        if row.countersign is not None:
            resolved, _ = signers.resolve([task])
            signed = resolved.get(task.id)
            if signed is None:
                continue  # its signer is no longer known: the row keeps the one it was opened for
        fields = {"task_spec": task.task_spec.name, **runtime.task_row_fields(instance, task, signed)}
        if all(getattr(row, name) == value for name, value in fields.items()):
            continue
        if fields["candidate_group"] != row.candidate_group:
            assignee = row.assignee.get_username() if row.assignee_id is not None and row.assignee else ""
            moved.append(_Moved(row, row.candidate_group, assignee))
            fields.update(assignee=None, claimed_by=None, claimed_at=None)
        HumanTask.objects.filter(pk=row.pk).update(**fields)
        for name, value in fields.items():
            setattr(row, name, value)
        refreshed.append(row.pk)
    return refreshed, moved


def _record_moves(instance: ProcessInstance, moved: list[_Moved], actor: Actor, reason: str) -> None:
    """Each task that changed group: a task.moved event (its new group is told, as of a new task)
    and, when someone had claimed it, the claim it lost as task.unclaimed."""
    for move in moved:
        if move.assignee_before:
            audit(
                Action.TASK_UNCLAIMED,
                actor,
                target_type="task",
                target_id=move.row.pk,
                instance=instance,
                before={"assignee": move.assignee_before, "candidate_group": move.group_before},
                after={"assignee": None, "candidate_group": move.row.candidate_group},
                reason=reason,
            )
        audit(
            Action.TASK_MOVED,
            actor,
            target_type="task",
            target_id=move.row.pk,
            instance=instance,
            before={"candidate_group": move.group_before, "assignee": move.assignee_before or None},
            after={"candidate_group": move.row.candidate_group, "task_spec": move.row.task_spec},
            reason=reason,
        )
