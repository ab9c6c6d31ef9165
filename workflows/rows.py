"""The rows every engine step reads and writes, in plain SQL.

A step touches the same few rows every time, and on this hardware compiling an ORM query costs
more than PostgreSQL takes to answer it (≈0.5 ms against ≈0.1 ms). These statements are fixed
strings built once from the models' metadata; everything else in the engine uses the ORM.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection
from django.utils import timezone

from core.db.statements import Statement, execute

from .models import HumanTask, ProcessInstance, ProcessModelVersion

_TASK_FIELDS = [f for f in HumanTask._meta.concrete_fields]
_INSTANCE_FIELDS = [f for f in ProcessInstance._meta.concrete_fields]
_TASK_ATTNAMES = [f.attname for f in _TASK_FIELDS]
_INSTANCE_ATTNAMES = [f.attname for f in _INSTANCE_FIELDS]
_TASK_TABLE = HumanTask._meta.db_table
_INSTANCE_TABLE = ProcessInstance._meta.db_table

# New human-task rows get their ids before they are written (so that their audit events can be
# appended in the same statement as the rows): one id is reserved with the lock or the instance
# insert, since most engine turns open one task; a turn that opens more fetches the rest.
_NEXT_TASK_ID = f"nextval(pg_get_serial_sequence('{_TASK_TABLE}', 'id'))"

_LOCK_FOR_COMPLETION = (
    "SELECT "
    + ", ".join(f"t.{f.column}" for f in _TASK_FIELDS)
    + ", "
    + ", ".join(f"i.{f.column}" for f in _INSTANCE_FIELDS)
    + f", {_NEXT_TASK_ID}"
    + f" FROM {_TASK_TABLE} t JOIN {_INSTANCE_TABLE} i ON i.id = t.instance_id"
    + " WHERE t.id = %s FOR UPDATE OF i, t"
)
_RESERVE_TASK_IDS = f"SELECT {_NEXT_TASK_ID} FROM generate_series(1, %s)"
_LOCK_INSTANCE = (
    "SELECT "
    + ", ".join(f"i.{f.column}" for f in _INSTANCE_FIELDS)
    + f", {_NEXT_TASK_ID} FROM {_INSTANCE_TABLE} i WHERE i.id = %s FOR UPDATE OF i"
)

_SAVED = (
    "version_id",
    "state",
    "row_version",
    "next_timer_at",
    "status",
    "last_error",
    "error_task_spec",
    "ended_at",
    "message_waits",
    "timer_specs",
)
_SAVE_INSTANCE = (
    f"UPDATE {_INSTANCE_TABLE} SET " + ", ".join(f"{name} = %s" for name in _SAVED) + " WHERE id = %s"
)

_COMPLETED = (
    "status",
    "completed_at",
    "completed_by_id",
    "assignee_id",
    "claimed_by_id",
    "claimed_at",
    "opinion",
)
_COMPLETE_TASK = (
    f"UPDATE {_TASK_TABLE} SET " + ", ".join(f"{name} = %s" for name in _COMPLETED) + " WHERE id = %s"
)


_INSTANCE_INSERTED = [f for f in _INSTANCE_FIELDS if f.column != "id"]

# The id travels with the other columns: it was reserved (see _NEXT_TASK_ID).
_INSERT_TASKS = (
    f"INSERT INTO {_TASK_TABLE} ({', '.join(f.column for f in _TASK_FIELDS)}) "
    f"SELECT {', '.join(f.column for f in _TASK_FIELDS)} "
    f"FROM jsonb_populate_recordset(NULL::{_TASK_TABLE}, %s::jsonb)"
)

# The rows of the dropped tasks, open or held for added signers (加签), and their added
# signers' open parts, which have no Spiff task of their own.
_CANCEL_TASKS = (
    f"UPDATE {_TASK_TABLE} SET status = 'cancelled', completed_at = %s "
    "WHERE instance_id = %s AND status IN ('open', 'awaiting') AND (spiff_task_id = ANY(%s) "
    f"OR added_to_id IN (SELECT id FROM {_TASK_TABLE} WHERE instance_id = %s "
    "AND spiff_task_id = ANY(%s) AND status IN ('open', 'awaiting'))) RETURNING id"
)


class TaskIds:
    """Ids for the human-task rows a turn creates: the reserved ones first, then fetched."""

    def __init__(self, reserved: list[int] | None = None) -> None:
        self.reserved = list(reserved or [])

    def take(self, count: int) -> list[int]:
        if count > len(self.reserved):
            fetched = execute((_RESERVE_TASK_IDS, [count - len(self.reserved)]), binary_results=True)
            self.reserved.extend(row[0] for row in fetched)
        taken, self.reserved = self.reserved[:count], self.reserved[count:]
        return taken


def lock_task_and_instance(task_id: int) -> tuple[HumanTask, ProcessInstance, TaskIds] | None:
    """Both rows, locked, in their newest committed versions (READ COMMITTED re-reads after a
    wait), and an id reserved for the task the completion will probably open. As a transaction's
    first statement it carries the BEGIN (core.db.statements)."""
    found = execute((_LOCK_FOR_COMPLETION, [task_id]), binary_results=True)
    if not found:
        return None
    row = found[0]
    split = len(_TASK_FIELDS)
    end = split + len(_INSTANCE_FIELDS)
    task = HumanTask.from_db("default", _TASK_ATTNAMES, row[:split])
    instance = ProcessInstance.from_db("default", _INSTANCE_ATTNAMES, row[split:end])
    return task, instance, TaskIds([row[end]])


def lock_instance(instance_id: int) -> tuple[ProcessInstance, TaskIds] | None:
    """The instance row, locked, with an id reserved for the task its turn will probably open,
    in one statement (as lock_task_and_instance does for a completion): for the turns that
    start from an instance rather than a task (a message or signal delivered to it)."""
    found = execute((_LOCK_INSTANCE, [instance_id]), binary_results=True)
    if not found:
        return None
    row = found[0]
    instance = ProcessInstance.from_db("default", _INSTANCE_ATTNAMES, row[: len(_INSTANCE_FIELDS)])
    attach_version(instance)
    return instance, TaskIds([row[len(_INSTANCE_FIELDS)]])


def attach_version(instance: ProcessInstance) -> ProcessModelVersion:
    """The instance's version, from a per-process cache: versions never change once deployed."""
    version = cached_version(instance.version_id)
    instance.version = version
    return version


def cached_version(version_id: int) -> ProcessModelVersion:
    version = _versions.get(version_id)
    if version is None:
        version = ProcessModelVersion.objects.select_related("process_model").get(pk=version_id)
        _versions[version_id] = version
    return version


_VERSION_OF_MODEL = (
    "SELECT v.id FROM workflows_processmodelversion v "
    "JOIN workflows_processmodel m ON m.id = v.process_model_id WHERE m.key = %s"
)
_LATEST_VERSION = _VERSION_OF_MODEL + " ORDER BY v.number DESC LIMIT 1"
_NUMBERED_VERSION = _VERSION_OF_MODEL + " AND v.number = %s"


def find_version(model_key: str, number: int | None = None) -> ProcessModelVersion | None:
    """The model's version `number`, or its newest when number is None; None if there is none."""
    if number is None:
        found = execute((_LATEST_VERSION, [model_key]), binary_results=True)
    else:
        found = execute((_NUMBERED_VERSION, [model_key, number]), binary_results=True)
    return cached_version(found[0][0]) if found else None


def insert_instance(instance: ProcessInstance) -> TaskIds:
    """INSERT the new instance row (what instance.save() would do, as one prepared statement);
    returns an id reserved for the first task the instance opens."""
    sql, params = _insert_statement(_INSTANCE_TABLE, _INSTANCE_INSERTED, instance)
    (row,) = execute((f"{sql}, {_NEXT_TASK_ID}", params), binary_results=True)
    _mark_saved(instance, row[0])
    return TaskIds([row[1]])


_versions: dict[int, ProcessModelVersion] = {}

_STARTED = [f for f in _INSTANCE_INSERTED if f.column != "version_id"]
_START_FROM_VERSION = (
    f"INSERT INTO {_INSTANCE_TABLE} (version_id, {', '.join(f.column for f in _STARTED)}) "
    f"SELECT v.id, {', '.join(['%s'] * len(_STARTED))} FROM workflows_processmodelversion v "
    "JOIN workflows_processmodel m ON m.id = v.process_model_id "
    "WHERE m.key = %s AND m.enabled AND {version} AND {org_unit} "
    f"ORDER BY v.number DESC LIMIT 1 RETURNING id, version_id, {_NEXT_TASK_ID}"
)


def insert_started_instance(
    instance: ProcessInstance, model_key: str, number: int | None, org_unit_exists: str
) -> TaskIds | None:
    """INSERT a started instance of the model's version `number` (its newest when None), found in
    the same statement, and only if its org unit exists (`org_unit_exists`: the directory's SQL
    condition). Returns an id reserved for its first task, or None when nothing was inserted: no
    such model, version or org unit, or the model is disabled (the caller finds out which)."""
    sql = _START_FROM_VERSION.format(
        version="TRUE" if number is None else "v.number = %s", org_unit=org_unit_exists
    )
    params = _insert_values(_STARTED, instance)
    params += [model_key, *([] if number is None else [number]), instance.org_unit_code]
    found = execute((sql, params), binary_results=True)
    if not found:
        return None
    row = found[0]
    _mark_saved(instance, row[0])
    instance.version_id = row[1]
    attach_version(instance)
    return TaskIds([row[2]])


def turn_statements(
    instance: ProcessInstance, completed: HumanTask | None, new_tasks: list[HumanTask]
) -> tuple[Statement, ...]:
    """What a turn writes: the instance row, the completed task row, the new task rows (their ids
    already taken from TaskIds). The new rows travel as one jsonb array, so each statement's text is
    the same for any number of them (one prepared statement)."""
    statements: list[Statement] = [
        (_SAVE_INSTANCE, [*(getattr(instance, name) for name in _SAVED), instance.pk])
    ]
    if completed is not None:
        statements.append(
            (_COMPLETE_TASK, [*(getattr(completed, name) for name in _COMPLETED), completed.pk])
        )
    if new_tasks:
        statements.append((_INSERT_TASKS, [_rows_json(new_tasks)]))
    return tuple(statements)


def mark_written(new_tasks: list[HumanTask]) -> None:
    """The new rows as saved objects: what they are once `turn_statements` ran."""
    for task in new_tasks:
        _mark_saved(task, task.pk)


# (attribute, column) of every task column, and the columns that are stamped when a row is added.
_TASK_COLUMNS = [(f.attname, f.column) for f in _TASK_FIELDS]
_STAMPED_ON_ADD = [f.attname for f in _TASK_FIELDS if getattr(f, "auto_now_add", False)]


def _rows_json(tasks: list[HumanTask]) -> str:
    """The rows as jsonb_populate_recordset reads them. Model.__init__ has filled in the field
    defaults; the creation stamp is filled in here when unset, as Model.save() would. Every task
    column holds a JSON value, a datetime or a UUID (nothing else needs Field.get_db_prep_save)."""
    now = timezone.now()
    for task in tasks:
        for name in _STAMPED_ON_ADD:
            if getattr(task, name) is None:
                setattr(task, name, now)
    rows = [{column: _json_value(task.__dict__[name]) for name, column in _TASK_COLUMNS} for task in tasks]
    return json.dumps(rows, ensure_ascii=False)


def _json_value(value: Any) -> Any:
    # Full precision for times (DjangoJSONEncoder would cut them to milliseconds).
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def _mark_saved(obj: Any, new_id: int) -> None:
    obj.pk = new_id
    obj._state.adding = False
    obj._state.db = "default"


def cancel_tasks(instance_id: int, spiff_task_ids: set[Any]) -> list[HumanTask]:
    now = timezone.now()
    ids = list(spiff_task_ids)
    cancelled = execute((_CANCEL_TASKS, [now, instance_id, ids, instance_id, ids]), binary_results=True)
    return list(HumanTask.objects.filter(pk__in=[row[0] for row in cancelled]))


def _insert_statement(table: str, fields: list[Any], obj: Any) -> tuple[str, list[Any]]:
    """INSERT one row RETURNING its id."""
    sql = (
        f"INSERT INTO {table} ({', '.join(f.column for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id"
    )
    return sql, _insert_values(fields, obj)


def _insert_values(fields: list[Any], obj: Any) -> list[Any]:
    """The values of `fields` to insert, defaults and auto_now_add filled in as Model.save() would."""
    for field in fields:
        if getattr(obj, field.attname) is None and field.has_default():
            setattr(obj, field.attname, field.get_default())
    return [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
