"""Handing a message or signal to one instance: a turn of its own, in the caller's transaction."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from audit.actions import Action
from core.db import tail
from core.errors import InvalidInput
from core.service import Actor, acting_user, allowed, audit

from . import message_waits, rows, runtime
from .instances import after_turn
from .message_records import record
from .models import WORKABLE_STATUSES, EventKind, MessageDelivery
from .sending import SendRequest


def _catches(workflow: BpmnWorkflow, kind: str, name: str) -> list[tuple[Any, Any, message_waits.Wait]]:
    """The waiting tasks that catch this message or signal, with the definition each waits with:
    Spiff matches an event to a catch by its definition, so the event is made of that one."""
    return [
        (task, definition, wait)
        for task in workflow.get_tasks(state=TaskState.WAITING)
        for definition, wait in message_waits.catches(task)
        if wait.kind == kind and wait.name == name
    ]


def deliver(
    instance_id: int, request: SendRequest, kind: str, actor: Actor, *, any_correlation: bool = False
) -> bool:
    """Hand the event to the instance, in the caller's transaction; False when it no longer
    waits for it (it moved on since it was found). `any_correlation`: a start event, which waits
    with no process data yet, takes the message whatever its keys."""
    locked = rows.lock_instance(instance_id)
    if locked is None:
        return False
    instance, task_ids = locked
    if instance.status not in WORKABLE_STATUSES or not allowed(actor, "workflows.operate_instance", instance):
        return False  # moved on, or out of the sender's reach: to the sender nobody waits
    workflow = runtime.load_workflow(instance)
    catches = [
        (task, definition)
        for task, definition, wait in _catches(workflow, kind, request.name)
        if kind == EventKind.SIGNAL or any_correlation or wait.correlation == request.correlation
    ]
    if not catches:
        return False
    task, definition = catches[0]
    open_before = runtime.open_task_ids(workflow)
    # The correlation values travel in the payload too: Spiff reads a message's correlation
    # properties from its payload when it is caught.
    payload = {**request.correlation, **request.payload} if kind == EventKind.MESSAGE else request.payload
    event = BpmnEvent(
        definition, payload=deepcopy(payload), correlations=deepcopy(task.workflow.correlations)
    )
    try:
        workflow.catch(event)
    except Exception as exc:  # a correlation or payload expression failing on what was sent
        raise InvalidInput(
            f"The {kind} cannot be taken by the process: {runtime.error_message(exc)}",
            f"流程无法接收该{'消息' if kind == EventKind.MESSAGE else '信号'}：{runtime.error_message(exc)}",
            code="payload_refused",
        ) from None
    with runtime.acting_as(acting_user(actor)):
        result = runtime.turn(instance, workflow, open_before, task_ids=task_ids)
    tail.defer(record(request, kind, MessageDelivery.Outcome.DELIVERED, actor, instance_id=instance.pk))
    audit(
        Action.MESSAGE_DELIVERED if kind == EventKind.MESSAGE else Action.SIGNAL_DELIVERED,
        actor,
        target_type="instance",
        target_id=instance.pk,
        instance=instance,
        after={
            "name": request.name,
            "correlation": request.correlation,
            "message_id": request.message_id,
            "task_spec": task.task_spec.name,
        },
    )
    after_turn(instance, result, actor)
    return True
