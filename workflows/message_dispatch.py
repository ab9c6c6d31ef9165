"""After a turn commits: send what the instance threw, and hand it buffered messages it now waits for.

Both run as jobs (workflows/message_jobs.py) after the turn's transaction commits: a send is a
write of other instances, never part of this one's turn, and a job that fails is retried without
undoing the turn that queued it.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from django.db import transaction
from SpiffWorkflow.bpmn.util.event import BpmnEvent

from . import message_catalog
from .message_waits import correlation_text, kind_of
from .models import EventKind, ProcessInstance
from .runtime import TurnResult
from .sending import SendRequest


def thrown_requests(instance: ProcessInstance, events: list[BpmnEvent]) -> list[tuple[str, SendRequest]]:
    """The messages and signals the instance threw that nothing inside it caught, as sends. Their
    ids are made from the instance and its row version (one per turn), so that a job run twice
    sends nothing twice."""
    requests: list[tuple[str, SendRequest]] = []
    for number, event in enumerate(events):
        kind = kind_of(event.event_definition)
        if kind is None:
            continue  # an uncaught error or escalation: an outcome of the instance, not a send
        correlation: dict[str, Any] = {}
        for values in (event.correlations or {}).values():
            correlation.update(values)
        payload = event.payload if isinstance(event.payload, dict) else {"value": event.payload}
        message_id = f"instance-{instance.pk}-{instance.row_version}-{number}"
        name = str(event.event_definition.name)
        requests.append((kind, SendRequest(name, message_id, correlation_text(correlation), dict(payload))))
    return requests


def after_turn(instance: ProcessInstance, result: TurnResult) -> None:
    from .message_jobs import deliver_buffered, send_thrown

    # A test run's messages and signals stay inside it (workflows/test_runs.py).
    thrown = [] if instance.is_test else result.thrown
    for kind, request in thrown_requests(instance, thrown):
        transaction.on_commit(partial(send_thrown.delay, kind, asdict(request)))
    names = {wait.name for wait in result.waits if wait.kind == EventKind.MESSAGE}
    if names and message_catalog.buffers_any(names):
        instance_id = instance.pk
        transaction.on_commit(lambda: deliver_buffered.delay(instance_id))
