"""Where one complete() call spends its time, component by component (wall and SQL).

Wraps the functions human_tasks.complete() calls, by patching module attributes for the duration
of a separate pass: the timed run stays unpatched. Nested components are indented; "other" is
what complete() spends outside the listed top-level parts (Spiff's task.run, row bookkeeping).
"""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection

from .dbtime import DbTimer

# (label, depth, module, attribute): the module is the one whose global the caller looks up.
# The engine is being tuned while this bench exists, so a part that is gone is left out, not an
# error; new helpers can be listed here without breaking older code.
PARTS: tuple[tuple[str, int, str, str], ...] = (
    ("get_task (task row)", 0, "workflows.human_tasks", "get_task"),
    ("rows.lock_task_and_instance", 0, "workflows.rows", "lock_task_and_instance"),
    ("require (permission rules)", 0, "workflows.human_tasks", "require"),
    ("lock_instance (SELECT ... FOR UPDATE)", 0, "workflows.human_tasks", "lock_instance"),
    ("rows.attach_version", 0, "workflows.rows", "attach_version"),
    ("form_schema", 0, "workflows.human_tasks", "form_schema"),
    ("validate_task_data (JSON Schema)", 0, "workflows.human_tasks", "validate_task_data"),
    ("runtime.load_workflow", 0, "workflows.runtime", "load_workflow"),
    ("state.load (JSON -> Spiff)", 1, "workflows.state", "load"),
    ("rows.save_completed_task", 0, "workflows.rows", "save_completed_task"),
    ("runtime.turn", 0, "workflows.runtime", "turn"),
    ("run_engine (do_engine_steps)", 1, "workflows.runtime", "run_engine"),
    ("save (instance row)", 1, "workflows.runtime", "save"),
    ("apply_outcome (instance fields)", 1, "workflows.runtime", "apply_outcome"),
    ("state.dump (Spiff -> JSON)", 2, "workflows.state", "dump"),
    ("sync_human_tasks", 1, "workflows.runtime", "sync_human_tasks"),
    ("new_human_tasks", 1, "workflows.runtime", "new_human_tasks"),
    ("lane resolver candidate_for", 2, "casemgmt.org.lanes:OrgUnitLaneResolver", "candidate_for"),
    ("rows.turn_statements (rows to write)", 1, "workflows.rows", "turn_statements"),
    ("rows.cancel_tasks", 1, "workflows.rows", "cancel_tasks"),
    ("audit() calls", 0, "workflows.human_tasks", "audit"),
    ("after_turn", 0, "workflows.human_tasks", "after_turn"),
    ("tail: the turn's rows + audit append + COMMIT (one round trip)", 0, "core.db.tail:Tail", "finish"),
)
TOTAL = "complete() total"
# audit() is also called from instances.after_turn; both names count into one row. The total is
# complete() itself.
ALIASES: tuple[tuple[str, str, str], ...] = (
    ("audit() calls", "workflows.instances", "audit"),
    (TOTAL, "workflows.human_tasks", "complete"),
)
# Rows whose time is already inside another top-level row (after_turn calls audit()).
NESTED_ELSEWHERE = {"after_turn"}


def _resolve(path: str) -> Any:
    module_name, _, class_name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, class_name, None) if class_name else module


@dataclass
class Tally:
    wall: float = 0.0
    sql: float = 0.0
    calls: int = 0


class Recorder:
    def __init__(self) -> None:
        self.db = DbTimer()
        self.tallies: dict[str, Tally] = {label: Tally() for label, *_ in PARTS}
        self.tallies[TOTAL] = Tally()
        self.inside = False
        self.present: set[str] = set()

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        is_total = label == TOTAL

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            # Only what runs inside complete() counts: start_instance() calls turn() and audit() too.
            if not (self.inside or is_total):
                return fn(*args, **kwargs)
            self.inside = True
            tally = self.tallies[label]
            sql_before = self.db.seconds
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                tally.wall += time.perf_counter() - began
                tally.sql += self.db.seconds - sql_before
                tally.calls += 1
                if is_total:
                    self.inside = False

        return timed


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    saved: list[tuple[Any, str, Any]] = []
    targets = [(label, module, attr) for label, _, module, attr in PARTS] + list(ALIASES)
    for label, path, attr in targets:
        owner = _resolve(path)
        original = None if owner is None else vars(owner).get(attr)
        if original is None:
            continue
        saved.append((owner, attr, original))
        recorder.present.add(label)
        setattr(owner, attr, recorder.wrap(label, original))
    try:
        with connection.execute_wrapper(recorder.db):
            yield recorder
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)


def rows(recorder: Recorder) -> list[list[Any]]:
    """Per complete() call: [component, ms, of which SQL ms, calls per complete()]."""
    total = recorder.tallies[TOTAL]
    calls = max(total.calls, 1)
    out: list[list[Any]] = []
    top_wall = top_sql = 0.0
    for label, depth, *_ in PARTS:
        t = recorder.tallies[label]
        if label not in recorder.present or not t.calls:
            continue  # gone from the engine, or no longer on complete()'s path
        if depth == 0 and label not in NESTED_ELSEWHERE:
            top_wall, top_sql = top_wall + t.wall, top_sql + t.sql
        indent = "  " * (depth + (label in NESTED_ELSEWHERE))
        out.append([indent + label, t.wall * 1000 / calls, t.sql * 1000 / calls, t.calls / calls])
    out.append(
        [
            "other (task.run, row saves, ORM glue)",
            (total.wall - top_wall) * 1000 / calls,
            (total.sql - top_sql) * 1000 / calls,
            None,
        ]
    )
    out.append([TOTAL, total.wall * 1000 / calls, total.sql * 1000 / calls, 1.0])
    return out
