"""What a migration keeps of each task through Spiff's reset, which re-runs the ready and waiting
tasks from the new definition and, in doing so, gives each its parent's data, empties its internal
data and re-arms its timers: the task's own data and place (a countersign part's signer and
index), and the time each waiting timer falls due (unless the move is asked to restart timers).
Each task keeps its id through the reset, which is how its own is found again."""

from __future__ import annotations

import copy
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from . import runtime, timers


def timer_values(workflow: BpmnWorkflow) -> dict[Any, tuple[str, Any]]:
    """{task id: (step, when it falls due as Spiff keeps it)} of the waiting timers."""
    return {
        task.id: (task.task_spec.name, task._get_internal_data("event_value"))
        for task in workflow.get_tasks(state=TaskState.WAITING)
        # An event-based gateway's timers wait inside its combined definition.
        if any(timers.timer_definitions(getattr(task.task_spec, "event_definition", None)))
        and task._get_internal_data("event_value") is not None
    }


# What a task's timer keeps in its internal data: handled by _restore_timers, which honours
# restart_timers.
TIMER_KEYS = ("event_value", "event_fired")


def task_data(workflow: BpmnWorkflow) -> dict[Any, tuple[dict[str, Any], dict[str, Any]]]:
    """{task id: (data, internal data)} of the tasks the reset will re-run: ready and waiting."""
    return {
        task.id: (
            copy.deepcopy(task.data),
            {k: copy.deepcopy(v) for k, v in task.internal_data.items() if k not in TIMER_KEYS},
        )
        for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
    }


def restore_data(workflow: BpmnWorkflow, kept: dict[Any, tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Spiff's reset gives a task its parent's data and empties its internal data: a countersign
    part would lose its signer and its place in the countersign (the multi-instance item and
    index are the part's own). Each task that kept its id gets its own back."""
    for task_id, (data, internal) in kept.items():
        task = runtime.find_task(workflow, task_id)
        if task is not None and not task.has_state(TaskState.FINISHED_MASK):
            task.data = data
            task.internal_data.update(internal)


def restore_timers(workflow: BpmnWorkflow, due: dict[Any, tuple[str, Any]]) -> None:
    """Give the timers the reset re-armed the time they fell due before (a waiting task keeps its
    id through the reset); one overdue by now fires in the turn that follows."""
    for task_id, (_, value) in due.items():
        task = runtime.find_task(workflow, task_id)
        if task is not None and not task.has_state(TaskState.FINISHED_MASK):
            task._set_internal_data(event_value=value)
            task.internal_data.pop("event_fired", None)


def due_text(value: Any) -> str:
    """A timer's due time for people: a duration's or date's time, a cycle's next one."""
    return str(value.get("next", "")) if isinstance(value, dict) else str(value)
