"""Which messages and signals an instance waits for, kept in MessageWait rows by every turn.

A waiting task catches a message or signal when its event definition (or one nested in a
multiple one: an event-based gateway, a multiple catch event) is one: receive tasks,
intermediate catch events and boundary events all wait this way. A message waits with the
correlation properties the diagram gives its catch (spiffworkflow:processVariableCorrelation,
evaluated by Spiff over the process data when the catch starts waiting): {property: value}.

The rows are rewritten in the turn's transaction (deferred to its tail, core.db.tail), only for an
instance that had some or has some now (ProcessInstance.message_waits), so that the rest pay
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from core.db import tail
from core.db.statements import Statement

from .models import EventKind, MessageWait, ProcessInstance

_TABLE = MessageWait._meta.db_table
_DELETE = f"DELETE FROM {_TABLE} WHERE instance_id = %s"
_INSERT = (
    f"INSERT INTO {_TABLE} (instance_id, kind, name, correlation) "
    "SELECT %s, w.kind, w.name, w.correlation "
    "FROM jsonb_to_recordset(%s::jsonb) AS w(kind text, name text, correlation jsonb)"
)


@dataclass(frozen=True)
class Wait:
    kind: str
    name: str
    correlation: dict[str, Any]

    def as_row(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name[:200], "correlation": self.correlation}


def event_definitions(definition: Any) -> Iterator[Any]:
    """The definition itself, or those nested in a multiple one."""
    if isinstance(definition, MultipleEventDefinition):
        for nested in definition.event_definitions:
            yield from event_definitions(nested)
    elif definition is not None:
        yield definition


def correlation_text(values: dict[str, Any]) -> dict[str, str]:
    """Correlation values as text: a case number sent as 7 or "7" is the same case."""
    return {str(name): str(value) for name, value in values.items()}


def correlation_of(task: Task, definition: MessageEventDefinition) -> dict[str, str]:
    """{property: value} for the properties this catch correlates on, as Spiff computed them
    into the task's workflow when the catch started waiting."""
    known = task.workflow.correlations
    values: dict[str, Any] = {}
    for prop in getattr(definition, "process_correlations", None) or []:
        for key in prop.correlation_keys:
            if prop.name in known.get(key, {}):
                values[prop.name] = known[key][prop.name]
                break
    return correlation_text(values)


def kind_of(definition: Any) -> str | None:
    """EventKind.MESSAGE or SIGNAL for those definitions, None for any other."""
    if isinstance(definition, MessageEventDefinition):
        return EventKind.MESSAGE
    return EventKind.SIGNAL if isinstance(definition, SignalEventDefinition) else None


def catches(task: Task) -> Iterator[tuple[Any, Wait]]:
    """Each message or signal definition `task` waits with, and the wait it makes."""
    for definition in event_definitions(getattr(task.task_spec, "event_definition", None)):
        kind = kind_of(definition)
        if kind == EventKind.MESSAGE:
            yield definition, Wait(kind, definition.name, correlation_of(task, definition))
        elif kind == EventKind.SIGNAL:
            yield definition, Wait(kind, definition.name, {})


def current(pending: Iterable[Task]) -> list[Wait]:
    """What the WAITING tasks among `pending` (a turn's READY and WAITING tasks) wait for."""
    found: dict[tuple[str, str, str], Wait] = {}
    for task in pending:
        if task.state != TaskState.WAITING:
            continue
        for _, wait in catches(task):
            found.setdefault((wait.kind, wait.name, json.dumps(wait.correlation, sort_keys=True)), wait)
    return list(found.values())


def statements(instance_id: int, waits: list[Wait]) -> tuple[Statement, ...]:
    rows = json.dumps([wait.as_row() for wait in waits], ensure_ascii=False, default=str)
    delete: Statement = (_DELETE, [instance_id])
    return (delete, (_INSERT, [instance_id, rows])) if waits else (delete,)


def record(instance: ProcessInstance, pending: Iterable[Task]) -> list[Wait]:
    """Rewrite the instance's waits in the turn's tail, if it had or has any; returns them."""
    waits = current(pending)
    if not waits and not instance.message_waits:
        return waits
    instance.message_waits = min(len(waits), 32767)
    tail.defer(*statements(instance.pk, waits))
    return waits
