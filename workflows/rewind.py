"""Running a completed user task again: the engine half of 退回 (return) and 撤回 (recall).

Spiff resets the task tree to the completed task (dropping everything after it, human tasks
included) and the task runs again under its own id. Its earlier row is numbered as superseded
(HumanTask.superseded) so that the new row can take its place, and the new row goes straight to
the person who completed it before. The turn that follows cancels the open rows of the dropped
tasks and writes the rest as any turn does, in the caller's transaction with the instance locked.

What a rewind may cross is decided here too (`refusal`): it stays inside one (sub)process, never
leaves or enters a countersign, and crosses a parallel or inclusive join only when the whole
parallel section lies after the task it goes back to (then all its branches run again).
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import deepcopy
from uuid import UUID

from django.db.models import Max
from django.utils import timezone
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from core.errors import Conflict

from . import rows, runtime
from .models import HumanTask, ProcessInstance


def path_between(earlier: Task, later: Task) -> list[Task] | None:
    """The tasks from `earlier` (excluded) down to `later` (included), or None when `later` does
    not descend from `earlier`."""
    path: list[Task] = []
    node: Task | None = later
    while node is not None and node is not earlier:
        path.append(node)
        node = node.parent
    return list(reversed(path)) if node is earlier else None


def _in_countersign(task: Task) -> bool:
    parent = task.parent
    return parent is not None and isinstance(parent.task_spec, LoopTask)


def refusal(target: Task, later: Task) -> Conflict | None:
    """Why the instance cannot go back from `later` to `target`, or None when it can."""
    if target.workflow is not later.workflow:
        return Conflict(
            "The step is in another (sub)process; it cannot be gone back to from here.",
            "该环节在另一个（子）流程中，不能从此处退回或撤回。",
            code="other_process",
        )
    if _in_countersign(target) or _in_countersign(later):
        return Conflict(
            "A countersign cannot be returned into or out of; finish or withdraw it first.",
            "会签环节不能退回或撤回，也不能退回到会签内的某一份。",
            code="countersign",
        )
    path = path_between(target, later)
    if path is None and _joined_since(target, later):
        return _joined()
    if path is None:
        return Conflict(
            "The step is not on the way to this one; the process cannot go back to it from here.",
            "该环节不在本环节之前的路径上，不能退回到该环节。",
            code="not_earlier",
        )
    for task in path:
        spec = task.task_spec
        if isinstance(spec, UnstructuredJoin) and len(spec.inputs) > 1:
            # Every branch of the join must be dropped with the reset, or the join would wait
            # for a branch that already went past it.
            branches = later.workflow.get_tasks(spec_name=spec.name)
            if any(b is not target and path_between(target, b) is None for b in branches):
                return _joined()
    return None


def _joined() -> Conflict:
    return Conflict(
        "Parallel branches have joined since that step; go back to a step before they split.",
        "该环节之后并行分支已汇合，只能退回到分支之前的环节。",
        code="parallel_join",
    )


def _joined_since(target: Task, later: Task) -> bool:
    """Whether `target` lies on a parallel branch that a join on `later`'s way has merged: the
    join's task under `target` is not the one `later` descends from."""
    on_the_way = set()
    node = later.parent
    while node is not None:
        on_the_way.add(node.task_spec.name)
        node = node.parent
    return any(
        isinstance(t.task_spec, UnstructuredJoin) and t.task_spec.name in on_the_way
        for t in descendants(target)
    )


def descendants(task: Task) -> Iterator[Task]:
    iterator = iter(task)
    next(iterator)  # the task itself
    yield from iterator


def reopen(
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    open_before: set[UUID],
    target: Task,
    previous: HumanTask,
    task_ids: rows.TaskIds,
) -> runtime.TurnResult:
    """Reset the tree to `target` (the Spiff task of the completed row `previous`) and run the
    turn; the new row is assigned to whoever completed `previous`. It keeps the data it completed
    with, so the form shows what was submitted, and whatever follows decides on the new data."""
    replaced = HumanTask.objects.filter(instance=instance, spiff_task_id=target.id)
    number = (replaced.aggregate(last=Max("superseded"))["last"] or 0) + 1
    replaced.filter(superseded=0).update(superseded=number)
    workflow.reset_from_task_id(target.id, data=deepcopy(target.data))
    result = runtime.turn(instance, workflow, open_before, task_ids=task_ids)
    reopened = [row for row in result.created if row.spiff_task_id == target.id]
    if reopened and previous.completed_by_id is not None:
        now = timezone.now()
        HumanTask.objects.filter(pk=reopened[0].pk).update(
            assignee_id=previous.completed_by_id, claimed_by_id=previous.completed_by_id, claimed_at=now
        )
        reopened[0].assignee_id = reopened[0].claimed_by_id = previous.completed_by_id
        reopened[0].claimed_at = now
    return result


def reopened_row(result: runtime.TurnResult, target: Task) -> HumanTask:
    """The row `reopen` opened for `target`; a turn that did not open it (an error on the way)
    refuses the whole action, which rolls back."""
    for row in result.created:
        if row.spiff_task_id == target.id:
            return row
    raise Conflict(
        "The step could not be opened again; nothing was changed.",
        "该环节未能重新打开，未做任何更改。",
        code="not_reopened",
    )


def is_completed(task: Task | None) -> bool:
    return task is not None and task.state == TaskState.COMPLETED
