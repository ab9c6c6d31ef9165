"""Business errors from service-task handlers, thrown as BPMN error events.

A handler raises `BpmnError("no_capacity", data={...}, message="...")` for an outcome the diagram
is meant to handle ("no slot left"), as opposed to a fault. The engine then rolls the handler's
savepoint back (as for any exception) and throws a BPMN error with that code from the service
task: the error boundary on the task catches it if its error's `errorCode` is the code, or if it
names no error or no code (a catch-all; one with the exact code is preferred). Without one on the
task, the error leaves the (sub)process, as BPMN says, to a boundary on the enclosing embedded
subprocess or call activity, and so on outwards. The catching boundary's path runs and the
interrupted activity is cancelled; the boundary's path continues with the data the activity
started with plus the error, {"code", "message", "data"}, under the variable its `bpmn:error`
names (`spiffworkflow:variableName`) or else under `bpmn_error`. Nothing catches it: the instance
fails, like any handler exception, with a message naming the code.

Spiff has no way for a running task to throw and be interrupted, so the two halves meet here:
the service dispatcher (runtime._script_engine) calls `throw`, which finds and fires the boundary
and raises `ErrorCaught`; Spiff marks the task ERROR as the exception passes and stops its engine
steps; `engine_steps` (runtime.run_engine) turns the task into an interrupted one and runs the
boundary, which cancels it, then carries on. Only error boundaries on the activity and its
enclosing activities are looked at (Spiff's own catch would take any waiting error boundary of
the workflow, even one on a parallel branch); an error event subprocess does not catch these.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

from SpiffWorkflow.bpmn.specs.event_definitions import ErrorEventDefinition as BpmnErrorDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import ErrorEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from audit.actions import Action
from core.service import audit

from .models import ProcessInstance

__all__ = ["DEFAULT_VARIABLE", "BpmnError", "engine_steps", "throw"]

# Where a caught error lands when the diagram's bpmn:error names no variable.
DEFAULT_VARIABLE = "bpmn_error"
# A boundary path that leads straight back to a task that fails again would loop inside one turn
# (one request, one transaction) for ever; past this many caught errors the instance fails.
MAX_CAUGHT_PER_TURN = 100


class BpmnError(Exception):
    """Raised by a service-task handler for a business error the diagram may catch by `code`.

    `data` (JSON values; others are written as text) and `message` reach the workflow with the
    code. The handler's database writes are undone, as for any exception it raises."""

    def __init__(self, code: str, data: Mapping[str, Any] | None = None, message: str = "") -> None:
        if not isinstance(code, str) or not code.strip():
            raise ValueError("a BPMN error needs a non-empty code")
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.data = dict(data or {})
        self.message = message


class UncaughtBpmnError(Exception):
    """No error boundary catches the BPMN error a handler raised: the instance fails with this."""


class TooManyBpmnErrors(Exception):
    """More than MAX_CAUGHT_PER_TURN errors were caught in one turn: the instance fails with this,
    and a retry carries on from the last boundary that caught one."""

    def __init__(self, message: str, task_spec: Any) -> None:
        super().__init__(message)
        # The TaskSpec, as on Spiff's exceptions: runtime._failure names the failing step by it.
        self.task_spec = task_spec


class ErrorCaught(Exception):
    """Raised through Spiff by `throw` once `boundary` caught the error `task` threw: it stops
    the task and the engine steps, which `engine_steps` resumes. Never escapes a turn."""

    def __init__(self, task: Task, boundary: Task) -> None:
        super().__init__(f"{task.task_spec.name}: BPMN error caught by {boundary.task_spec.name}")
        self.task = task
        self.boundary = boundary


def throw(task: Task, error: BpmnError, instance: ProcessInstance, actor: Any) -> NoReturn:
    """Throw `error` from the service task `task` (its handler raised it); always raises:
    ErrorCaught when a boundary caught it, UncaughtBpmnError when none did."""
    payload = _payload(error)
    boundary = catching_boundary(task, error.code)
    if boundary is None:
        detail = f": {error.message}" if error.message else ""
        raise UncaughtBpmnError(
            f"BPMN error {error.code!r} raised by service task {task.task_spec.name!r} is caught by "
            f"no error boundary{detail}"
        )
    definition = boundary.task_spec.event_definition
    boundary.task_spec.catch(boundary, BpmnEvent(ErrorEventDefinition(error.code, code=error.code), payload))
    # Fired: the boundary becomes READY and takes its data (the activity's starting data) now.
    boundary.task_spec._update(boundary)
    if not getattr(definition, "variable", None):
        # A named variable is Spiff's to fill when the boundary runs; otherwise the default.
        boundary.data[DEFAULT_VARIABLE] = payload
    audit(
        Action.BPMN_ERROR_CAUGHT,
        actor,
        target_type="instance",
        target_id=instance.pk,
        instance=instance,
        after={
            "code": error.code,
            "message": error.message,
            "data": payload["data"],
            "task_spec": task.task_spec.name,
            "caught_by": boundary.task_spec.name,
        },
    )
    raise ErrorCaught(task, boundary)


def _payload(error: BpmnError) -> dict[str, Any]:
    """What the workflow gets: plain JSON (it is stored as JSON, and audited). NaN and infinities
    are refused here, as an error of the handler, rather than by the audit append at commit."""
    value = {"code": error.code, "message": error.message, "data": error.data}
    loaded: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str, allow_nan=False))
    return loaded


def catching_boundary(task: Task, code: str) -> Task | None:
    """The waiting error boundary that catches `code` thrown by `task`: on the task's activity,
    else on the activities enclosing it, innermost first."""
    activity: Task | None = task
    while activity is not None:
        activity = _loop_of(activity)
        found = _boundary_on(activity, code)
        if found is not None:
            return found
        activity = _enclosing(activity)
    return None


def _loop_of(task: Task) -> Task:
    """The multi-instance or loop activity `task` is one pass of (its boundaries are there), or
    the task itself."""
    parent = task.parent
    if (
        parent is not None
        and isinstance(parent.task_spec, LoopTask)
        and parent.task_spec.task_spec == task.task_spec.name
    ):
        return parent
    return task


def _boundary_on(activity: Task, code: str) -> Task | None:
    split = activity.parent
    if split is None:
        return None
    exact: Task | None = None
    catch_all: Task | None = None
    # The boundary events of an activity are its siblings, children of its BoundaryEventSplit.
    for sibling in split.children:
        spec = sibling.task_spec
        if sibling is activity or not isinstance(spec, BoundaryEvent) or sibling.state != TaskState.WAITING:
            continue
        # An error boundary interrupts by definition; one drawn non-interrupting (invalid BPMN)
        # would leave the activity running for ever, so it catches nothing.
        if not spec.cancel_activity or not isinstance(spec.event_definition, BpmnErrorDefinition):
            continue
        if spec.event_definition.code == code and exact is None:
            exact = sibling
        elif not spec.event_definition.code and catch_all is None:
            catch_all = sibling
    return exact or catch_all


def _enclosing(activity: Task) -> Task | None:
    """The subprocess or call-activity task whose workflow `activity` runs in (None at the top)."""
    workflow = activity.workflow
    parent_id = workflow.parent_task_id
    if parent_id is None:
        return None
    enclosing: Task | None = workflow.top_workflow.get_task_from_id(parent_id)
    return enclosing


def engine_steps(workflow: BpmnWorkflow) -> None:
    """workflow.do_engine_steps(), resumed after each BPMN error a boundary caught.

    The task that threw is left as Spiff leaves a subprocess that ended in an error end event:
    started, not finished; the boundary runs at once, so nothing else inside the interrupted
    activity runs first, and its join cancels the activity (and so the task)."""
    caught = 0
    while True:
        try:
            workflow.do_engine_steps()
            return
        except ErrorCaught as signal:
            signal.task._set_state(TaskState.STARTED)
            caught += 1
            if caught > MAX_CAUGHT_PER_TURN:
                raise TooManyBpmnErrors(
                    f"more than {MAX_CAUGHT_PER_TURN} BPMN errors were caught in one engine turn (the "
                    f"last thrown by {signal.task.task_spec.name!r}, caught by "
                    f"{signal.boundary.task_spec.name!r}): a boundary path leads back to a task that "
                    "fails again",
                    signal.task.task_spec,
                ) from None
            signal.boundary.run()
