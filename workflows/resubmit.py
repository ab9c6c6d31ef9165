"""直接提交至退回节点: a task sent back (退回) whose model says `resubmit` = `returner` goes,
when it is submitted again, straight back to the step that returned it instead of through the
steps in between once more.

The engine still walks the path: a return records which user tasks lay between the two
(`plan`), and the resubmission runs each of them again as it becomes ready with the data it was
completed with before (`replay`), so gateways decide as they did, service steps run again on the
new data, and a path the new data routes elsewhere simply stops at whatever human step it
reaches. The returner's step opens for the person who returned it (`give_back`). A path with a
countersign in it is run again in full: a countersign is never signed on anyone's behalf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Q
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task

from audit.actions import Action
from audit.models import AuditEvent

from . import rewind, runtime
from .models import HumanTask

# Enough for any real approval chain; a diagram that loops back on itself ends here.
MAX_REPLAYED = 50


@dataclass(frozen=True)
class Jump:
    to_spec: str  # the returner's task
    returner_id: int | None
    data: dict[str, dict[str, Any]] = field(default_factory=dict)  # spec → data completed with


def plan(earlier: Task, current: Task, returner_id: int | None) -> dict[str, Any] | None:
    """What a return records for a jump back: the returner's task and the user tasks between."""
    path = rewind.path_between(earlier, current) or []
    if any(isinstance(task.task_spec, LoopTask) for task in path):
        return None
    between = sorted({t.task_spec.name for t in path[:-1] if t.task_spec.manual})
    return {"to_spec": current.task_spec.name, "returner": returner_id, "skip": between}


def jump_for(row: HumanTask) -> Jump | None:
    """The jump recorded by the return that reopened `row`, with the data each step in between
    was last completed with (its task.completed event)."""
    event = (
        AuditEvent.objects.filter(action=Action.TASK_RETURNED, instance_id=row.instance_id)
        .filter(after__to_task=row.pk)
        .order_by("-id")
        .first()
    )
    recorded = (event.after or {}).get("jump") if event is not None else None
    if not isinstance(recorded, dict):
        return None
    skip = [spec for spec in recorded.get("skip", []) if isinstance(spec, str)]
    data: dict[str, dict[str, Any]] = {}
    if skip:
        completions = AuditEvent.objects.filter(
            Q(after__task_spec__in=skip), action=Action.TASK_COMPLETED, instance_id=row.instance_id
        ).order_by("id")
        for completed in completions:
            after = completed.after or {}
            if isinstance(after.get("data"), dict):
                data[str(after["task_spec"])] = after["data"]
    returner = recorded.get("returner")
    return Jump(str(recorded.get("to_spec", "")), returner if isinstance(returner, int) else None, data)


def replay(workflow: BpmnWorkflow, jump: Jump, open_before: set[UUID]) -> runtime.HandlerFailed | None:
    """Advance, running each step in between with its earlier data as it becomes ready, until the
    returner's step (or any other human step) waits."""
    for _ in range(MAX_REPLAYED):
        failed = runtime.run_engine(workflow)
        if failed is not None:
            return failed
        ready = [
            task
            for task in runtime.ready_human_tasks(workflow)
            if task.id not in open_before
            and task.task_spec.name in jump.data
            and task.task_spec.name != jump.to_spec
        ]
        if not ready:
            return None
        for task in ready:
            task.data.update(jump.data[task.task_spec.name])
            failed = runtime.run_human_task(task)
            if failed is not None:
                return failed
    return None


def give_back(result: runtime.TurnResult, jump: Jump) -> None:
    """The returner's step, opened by the turn, is theirs again."""
    if jump.returner_id is None:
        return
    for row in result.created:
        if row.task_spec == jump.to_spec and row.assignee_id is None and row.countersign is None:
            HumanTask.objects.filter(pk=row.pk).update(
                assignee_id=jump.returner_id, claimed_by_id=jump.returner_id, claimed_at=row.created_at
            )
            row.assignee_id = row.claimed_by_id = jump.returner_id
