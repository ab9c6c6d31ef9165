"""The bare reference: stock SpiffWorkflow on a `json` column, one transaction per step.

This is what "just use the engine" costs: SpiffBpmnParser without our validator, Spiff's default
PythonScriptEngine, the standard BpmnWorkflowSerializer (spec embedded in every state), psycopg
without Django. A second codec stores the spec by reference (the project's `workflows.state`
converter) so the saving of docs/design.md D2 is visible in the same run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import psycopg
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from workflows import state as state_only

TABLE_SQL = "CREATE TABLE IF NOT EXISTS bench_raw (id bigserial primary key, state json not null)"
SELECT_SQL = "SELECT state FROM bench_raw WHERE id=%s FOR UPDATE"
UPDATE_SQL = "UPDATE bench_raw SET state=%s WHERE id=%s"
INSERT_SQL = "INSERT INTO bench_raw (state) VALUES (%s) RETURNING id"


@dataclass(frozen=True)
class RawSpec:
    spec: Any
    subprocess_specs: dict[str, Any]


def parse(path: Path, process_id: str) -> RawSpec:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    return RawSpec(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))


class Codec(Protocol):
    name: str

    def dump(self, workflow: BpmnWorkflow) -> str: ...

    def load(self, text: str) -> BpmnWorkflow: ...


class EmbeddedCodec:
    """Spiff's standard serializer: the whole spec travels with every state."""

    name = "spec embedded"

    def __init__(self) -> None:
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    def dump(self, workflow: BpmnWorkflow) -> str:
        return str(self.serializer.serialize_json(workflow))

    def load(self, text: str) -> BpmnWorkflow:
        workflow: BpmnWorkflow = self.serializer.deserialize_json(text)
        return workflow


class ByReferenceCodec:
    """Only the instance state; the parsed spec is held in memory, as the service's spec cache does."""

    name = "spec by reference"

    def __init__(self, spec: RawSpec) -> None:
        self.spec = spec
        self.engine = PythonScriptEngine()

    def dump(self, workflow: BpmnWorkflow) -> str:
        return state_only.dump(workflow)

    def load(self, text: str) -> BpmnWorkflow:
        return state_only.load(text, self.spec.spec, self.spec.subprocess_specs, self.engine)


def ready_user_task(workflow: BpmnWorkflow) -> Task | None:
    return next(iter(workflow.get_tasks(state=TaskState.READY, manual=True)), None)


class RawStore:
    """bench_raw rows driven through one psycopg connection; every call is one committed transaction."""

    def __init__(self, conn: psycopg.Connection[Any], spec: RawSpec, codec: Codec) -> None:
        self.conn = conn
        self.spec = spec
        self.codec = codec
        with conn.transaction():
            conn.execute(TABLE_SQL)

    def start(self) -> int:
        with self.conn.transaction():
            workflow = BpmnWorkflow(self.spec.spec, self.spec.subprocess_specs)
            workflow.do_engine_steps()
            row = self.conn.execute(INSERT_SQL, (self.codec.dump(workflow),)).fetchone()
        assert row is not None
        return int(row[0])

    def step(self, row_id: int, data: dict[str, Any]) -> tuple[BpmnWorkflow, str] | None:
        """Complete the ready user task with `data`: (workflow, saved text), or None when no ready
        task is visible (the loop stall of docs/design.md D7)."""
        with self.conn.transaction():
            row = self.conn.execute(SELECT_SQL, (row_id,)).fetchone()
            assert row is not None
            workflow = self.codec.load(row[0])
            task = ready_user_task(workflow)
            if task is None:
                return None
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            text = self.codec.dump(workflow)
            self.conn.execute(UPDATE_SQL, (text, row_id))
        return workflow, text

    def state_text(self, row_id: int) -> str:
        with self.conn.transaction():
            row = self.conn.execute("SELECT state FROM bench_raw WHERE id=%s", (row_id,)).fetchone()
        assert row is not None
        return str(row[0])


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    value = fn()
    return time.perf_counter() - began, value
