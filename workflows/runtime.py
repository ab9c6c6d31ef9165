"""One engine turn on a locked instance: load, run, save, sync the human-task rows.

Callers (the service modules instances.py, human_tasks.py, migration.py) hold the instance row
lock and the transaction; this module never opens one of its own except the savepoint around
each service-task handler, so that a failing handler's database writes vanish while the engine
records the failure. A turn's rows are not written here but deferred to the transaction's tail
(core.db.tail), which sends them with the audit append and COMMIT.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from core.db import tail

from . import bpmn_errors, message_waits, registry, rows, signers, state, test_runs, timers
from .countersign import Part
from .expressions import SandboxScriptEngine
from .models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion
from .sandbox import limits as expression_limits
from .spec_cache import compiled

logger = logging.getLogger(__name__)

CONTINUE_PROPERTY = "continueAsNew"
DUE_PROPERTY = "dueInDays"
PRIORITY_PROPERTY = "priority"


class HandlerFailed(Exception):
    """A service-task handler or an expression failed during an engine turn."""

    def __init__(self, message: str, task_spec: str) -> None:
        super().__init__(message)
        self.task_spec = task_spec


@dataclass
class TurnResult:
    created: list[HumanTask] = field(default_factory=list)
    cancelled: list[HumanTask] = field(default_factory=list)
    error: HandlerFailed | None = None
    continue_data: dict[str, Any] | None = None
    # Messages and signals the instance threw that nothing inside it caught: delivered to other
    # instances after the turn commits (workflows/messages.py).
    thrown: list[BpmnEvent] = field(default_factory=list)
    # The messages and signals the instance waits for after the turn (workflows/message_waits.py).
    waits: list[message_waits.Wait] = field(default_factory=list)


def properties_of(task_spec: Any) -> dict[str, str]:
    extensions = getattr(task_spec, "extensions", None) or {}
    props = extensions.get("properties") or {}
    return dict(props)


# The user on whose behalf the engine is turning, for the handlers it calls. A context variable:
# the script engine is built when the state is loaded, before anyone acts on it.
_acting_user: ContextVar[Any] = ContextVar("acting_user", default=None)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def _script_engine(instance: ProcessInstance) -> SandboxScriptEngine:
    def dispatch(task: Task, operation: str, params: dict[str, Any]) -> str:
        if instance.is_test:
            return "null"  # a test run writes no domain records (workflows/test_runs.py)
        handler = registry.service_handler(operation)
        if handler is None:
            raise RuntimeError(f"service handler {operation!r} is not registered")
        call = registry.ServiceCall(
            instance=instance,
            task_spec_id=task.task_spec.name,
            params={name: p.get("value") for name, p in params.items()},
            data=task.data,
            actor=_acting_user.get(),
        )
        # A savepoint: whatever the handler wrote is undone if it raises.
        try:
            with transaction.atomic():
                result = handler(call)
        except bpmn_errors.BpmnError as error:
            # A business error: thrown to the diagram's error boundary (run_engine resumes after
            # it), or the instance's error naming the code when none catches it.
            bpmn_errors.throw(task, error, instance, call.actor)
        return json.dumps(result, ensure_ascii=False, default=str)

    return SandboxScriptEngine(service_dispatcher=dispatch)


def new_workflow(version: ProcessModelVersion, instance: ProcessInstance) -> BpmnWorkflow:
    spec = compiled(version)
    return BpmnWorkflow(spec.spec, spec.subprocess_specs, script_engine=_script_engine(instance))


def load_workflow(instance: ProcessInstance) -> BpmnWorkflow:
    spec = compiled(instance.version)
    return state.load(instance.state, spec.spec, spec.subprocess_specs, _script_engine(instance))


def ready_human_tasks(workflow: BpmnWorkflow) -> list[Task]:
    # get_tasks walks the subprocesses too (embedded, event, call activities, nested ones).
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def find_task(workflow: BpmnWorkflow, task_id: UUID) -> Task | None:
    """The task with this id wherever it runs. `workflow.tasks` holds the top level only; the
    tasks of every subprocess, nested ones included, are in the subprocess workflows that Spiff
    keeps in the top workflow's `subprocesses` (what get_task_from_id searches, but raising)."""
    found = workflow.tasks.get(task_id)
    if found is None:
        for subprocess in workflow.subprocesses.values():
            found = subprocess.tasks.get(task_id)
            if found is not None:
                break
    return found


def run_engine(workflow: BpmnWorkflow) -> HandlerFailed | None:
    """Advance until only human tasks and waiting events remain; report, don't raise, failures."""
    try:
        # One budget for all the turn's expressions: many cheap-enough ones still end.
        with expression_limits.engine_turn():
            workflow.refresh_timers()
            # do_engine_steps, resumed after each BPMN error a boundary caught.
            bpmn_errors.engine_steps(workflow)
    except Exception as exc:
        return _failure(workflow, exc)
    return None


def run_human_task(task: Task) -> HandlerFailed | None:
    """Run a completed human task: finishing it predicts and updates what follows (timer texts,
    conditions), which evaluates diagram expressions. A failure there is the instance's error,
    as in run_engine, never an exception escaping to the request."""
    try:
        with expression_limits.engine_turn():
            task.run()
    except Exception as exc:
        return _failure(task.workflow, exc)
    return None


def _failure(workflow: BpmnWorkflow, exc: Exception) -> HandlerFailed:
    failed = next(iter(errored_tasks(workflow)), None)
    # An expression that fails while a task is being updated rather than run (a timer's text as
    # its event starts waiting) leaves no task in ERROR: Spiff's exception names the task then.
    failed_spec = failed.task_spec if failed is not None else getattr(exc, "task_spec", None)
    spec_name = str(getattr(failed_spec, "name", "") or "")
    message = error_message(exc)
    # The step and the exception's class only: the message may quote the instance's data (a
    # handler's refusal, a failed conversion), and it is kept where process admins read it (the
    # instance, its audit event, their notification), not in the log (docs/personal-data.md).
    cause = getattr(exc, "error", None) or getattr(exc, "exception", None)
    kind = type(cause if isinstance(cause, BaseException) else exc).__name__
    logger.info("engine step failed at %s (%s)", spec_name, kind)
    return HandlerFailed(message, spec_name)


def error_message(exc: BaseException) -> str:
    inner = getattr(exc, "error", None) or getattr(exc, "exception", None)
    if not isinstance(inner, BaseException) and isinstance(exc, SpiffWorkflowException):
        # Spiff wraps a failing expression without keeping the exception, except as the context
        # it was raised in: without it the instance's error would not say what went wrong.
        inner = exc.__cause__ or exc.__context__
    text = str(exc)
    if isinstance(inner, BaseException) and str(inner) and str(inner) not in text:
        text = f"{text}: {inner}"
    return f"{type(exc).__name__}: {text}"[:2000]


def errored_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """The tasks in ERROR. Asked for ERROR alone, Spiff's iterator walks only below finished
    tasks, and misses an instance in ERROR under its multi-instance task, which is still STARTED
    (countersign signers, workflows/signers.py): asking for STARTED too makes it walk those."""
    walked = workflow.get_tasks(state=TaskState.ERROR | TaskState.STARTED)
    return [task for task in walked if task.state == TaskState.ERROR]


def reset_errored_tasks(workflow: BpmnWorkflow) -> int:
    errored = errored_tasks(workflow)
    for task in errored:
        task._set_state(TaskState.READY)
    return len(errored)


def next_timer_at(waiting: Iterable[Task]) -> tuple[datetime | None, list[str]]:
    """The earliest due time among the timer events of `waiting` (WAITING tasks), including the
    timers an event-based gateway (or any multiple event) waits for (workflows/timers.py), and
    the activities that wait for a timer."""
    due = [(moment, task.task_spec.name) for task in waiting if (moment := timers.due_at(task)) is not None]
    if not due:
        return None, []
    return min(moment for moment, _ in due), sorted({spec for _, spec in due})


def _continuation(workflow: BpmnWorkflow) -> dict[str, Any] | None:
    """Data to carry into the next cycle when the process ended at a continueAsNew end event."""
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        props = properties_of(task.task_spec)
        if props.get(CONTINUE_PROPERTY, "").lower() != "true":
            continue
        carry = [name.strip() for name in props.get("carry", "").split(",") if name.strip()]
        data = dict(task.data)
        return {k: data[k] for k in carry if k in data} if carry else data
    return None


def apply_outcome(
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    error: HandlerFailed | None,
    pending: list[Task],
) -> None:
    """Set the instance's columns from the workflow after a run (written by the statements of
    rows.turn_statements); `pending` is the READY and WAITING tasks after that run."""
    instance.state = state.dump(workflow)
    instance.row_version += 1
    waiting = (task for task in pending if task.state == TaskState.WAITING)
    instance.next_timer_at, instance.timer_specs = (None, []) if error else next_timer_at(waiting)
    if error is not None:
        instance.status = InstanceStatus.ERROR
        instance.last_error = str(error)
        instance.error_task_spec = error.task_spec
    elif workflow.is_completed():
        instance.status = InstanceStatus.COMPLETED
        instance.ended_at = timezone.now()
        instance.last_error = ""
        instance.error_task_spec = ""
    else:
        ready = any(task.state == TaskState.READY and task.task_spec.manual for task in pending)
        instance.status = InstanceStatus.RUNNING if ready else InstanceStatus.WAITING
        instance.last_error = ""
        instance.error_task_spec = ""


def open_task_ids(workflow: BpmnWorkflow) -> set[UUID]:
    """The human tasks open right now. HumanTask rows are synced on every save, so at load time
    these are exactly the instance's open rows: no query needed to know them."""
    return {task.id for task in ready_human_tasks(workflow)}


def new_human_tasks(
    instance: ProcessInstance,
    opened: list[Task],
    task_ids: rows.TaskIds,
    signed: signers.Resolved,
) -> list[HumanTask]:
    """Rows for the human tasks that became ready during this turn; `signed`: the parts and
    signers of the countersign instances among them."""
    now = timezone.now()
    due_date = registry.due_date_policy()
    created: list[HumanTask] = []
    for task, task_id in zip(opened, task_ids.take(len(opened)), strict=True):
        due_days = properties_of(task.task_spec).get(DUE_PROPERTY, "")
        created.append(
            HumanTask(
                id=task_id,
                instance=instance,
                spiff_task_id=task.id,
                task_spec=task.task_spec.name,
                due_at=due_date(now, int(due_days)) if due_days.isdigit() else None,
                created_at=now,
                **task_row_fields(instance, task, signed.get(task.id)),
            )
        )
    return created


def task_row_fields(
    instance: ProcessInstance, task: Task, signed: tuple[Part, signers.Signer] | None = None
) -> dict[str, Any]:
    """What a human-task row shows of its ready task's definition: title, lane and the group it
    resolves to for this instance, priority, form and instructions; for a countersign instance
    (`signed`), its part in the title and its signer: the group, or the named user as assignee."""
    spec = task.task_spec
    lane = getattr(spec, "lane", None)
    resolver = registry.lane_resolver()
    role = resolver.role_for_lane(lane)
    if role is None:
        raise RuntimeError(f"lane {lane!r} of {spec.name} maps to no role")
    candidate = resolver.candidate_for(role, instance)
    props = properties_of(spec)
    extensions = getattr(spec, "extensions", None) or {}
    title = getattr(spec, "bpmn_name", None) or spec.name
    signing: dict[str, Any] = {}
    if signed is not None:
        part, signer = signed
        title = part.title(title)
        candidate = signer.candidate or candidate
        signing = {"countersign": part.countersign, "signer": part.signer[:150]}
        if signer.user_id is not None:
            signing["assignee_id"] = signer.user_id
    if instance.is_test:
        signing.update(test_runs.row_overrides(instance.started_by_id))
    return {
        "title": title[:300],
        "lane": lane or "",
        "candidate_role": candidate.role,
        "candidate_org_unit": candidate.org_unit_code,
        "candidate_group": candidate.group,
        "priority": int(props[PRIORITY_PROPERTY]) if props.get(PRIORITY_PROPERTY, "").isdigit() else 50,
        "form_file": props.get("formJsonSchemaFilename", ""),
        "instructions": extensions.get("instructionsForEndUser") or "",
        **signing,
    }


def turn(
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    open_before: set[UUID],
    completed: HumanTask | None = None,
    *,
    task_ids: rows.TaskIds | None = None,
    failed: HandlerFailed | None = None,
) -> TurnResult:
    """Run the engine, then defer the writes of the instance row, the completed task row and the
    new task rows to the transaction's tail (core.db.tail): in a service write they go with its
    audit append and COMMIT, in one round trip; anything that reads them earlier (the next cycle
    of a continueAsNew, a caller) flushes them first. `open_before` is open_task_ids() taken when
    the workflow was loaded; the caller records audit events from the result. `failed`: the
    completed task's own run failed (run_human_task), so the engine is not advanced and the
    instance records that error."""
    error = failed if failed is not None else run_engine(workflow)
    # One walk of the task tree for every use below: walking it is much of a turn's Python.
    pending = list(workflow.get_tasks(state=TaskState.READY | TaskState.WAITING))
    ready = [task for task in pending if task.state == TaskState.READY and task.task_spec.manual]
    opened = [task for task in ready if task.id not in open_before]
    signed, unknown = signers.resolve(opened)
    if unknown:
        # The instances whose signer is unknown wait in ERROR: the instance stops there, and a
        # retry opens them again (reset_errored_tasks) with the signers resolved afresh.
        for problem in unknown:
            problem.task._set_state(TaskState.ERROR)
        error = error or HandlerFailed(str(unknown[0]), unknown[0].task.task_spec.name)
        pending = [task for task in pending if task.state != TaskState.ERROR]
        ready = [task for task in ready if task.state == TaskState.READY]
        opened = [task for task in opened if task.state == TaskState.READY]
    apply_outcome(instance, workflow, error, pending)
    result = TurnResult(error=error, thrown=workflow.get_events())
    result.created = new_human_tasks(instance, opened, task_ids or rows.TaskIds(), signed)
    # After the task ids are reserved (a statement of its own when none was reserved in advance),
    # so that the waits' rewrite stays in the tail with the rest.
    result.waits = message_waits.record(instance, pending)
    still_open = {task.id for task in ready}
    gone = open_before - still_open - ({completed.spiff_task_id} if completed is not None else set())
    if gone:
        # A boundary event interrupted them, or the process moved on without them.
        result.cancelled = rows.cancel_tasks(instance.pk, gone)
    if error is None and instance.status == InstanceStatus.COMPLETED:
        result.continue_data = _continuation(workflow)
    tail.defer(*rows.turn_statements(instance, completed, result.created))
    rows.mark_written(result.created)
    return result
