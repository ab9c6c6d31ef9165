"""The API's task list: a page of rows straight from SQL.

Which tasks, in which order, and how they are counted is the read side's (workflows/queries); this
module only picks the fast or the general query for the query string and shapes the rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from core.db.statements import execute

from ..models import HumanTask, ProcessInstance, ProcessModel, ProcessModelVersion
from ..queries.task_pages import FAST_VIEWS, TaskPage, capped_ids, fast_ids
from .queries import tasks_for

# Filters the merged-index query does not apply; any of them takes the general query.
_GENERAL_FILTERS = ("process", "task_spec", "instance", "q", "due_before", "due_after", "sort")


def api_task_page(user: Any, params: Any, limit: int, offset: int, now: datetime) -> TaskPage[dict[str, Any]]:
    """A page of the API's task list rows."""
    view = params.get("view") or "inbox"
    if view in FAST_VIEWS and not any(params.get(name) for name in _GENERAL_FILTERS):
        ids, count = fast_ids(user, view, limit, offset)
    else:
        ids, count = capped_ids(tasks_for(user, params), limit, offset)
    return TaskPage.of(task_rows(ids, now), count)


# The API's list row, key by key as TaskSerializer documents it (a test holds them equal), read
# straight from SQL: building six model objects a row through the ORM was most of a page's time.
_ROW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "t.id"),
    ("instance", "t.instance_id"),
    ("instance_business_key", "i.business_key"),
    ("instance_subject", "i.subject"),
    ("process", "m.key"),
    ("task_spec", "t.task_spec"),
    ("title", "t.title"),
    ("lane", "t.lane"),
    ("candidate_role", "t.candidate_role"),
    ("candidate_org_unit", "t.candidate_org_unit"),
    ("candidate_group", "t.candidate_group"),
    ("assignee", "a.username"),
    ("status", "t.status"),
    ("due_at", "t.due_at"),
    ("priority", "t.priority"),
    ("form_file", "t.form_file"),
    ("created_at", "t.created_at"),
    ("claimed_at", "t.claimed_at"),
    ("completed_at", "t.completed_at"),
    ("completed_by", "c.username"),
    ("signer", "t.signer"),
    ("added_to", "t.added_to_id"),
    ("added_mode", "t.added_mode"),
    ("awaiting", "t.awaiting"),
    ("approved", "t.approved"),
)
_ROW_KEYS = tuple(key for key, _ in _ROW_COLUMNS)
_STATUS = _ROW_KEYS.index("status")
_USERS = User._meta.db_table
_ROWS_SQL = (
    f"SELECT {', '.join(column for _, column in _ROW_COLUMNS)} FROM {HumanTask._meta.db_table} t "
    f"JOIN {ProcessInstance._meta.db_table} i ON i.id = t.instance_id "
    f"JOIN {ProcessModelVersion._meta.db_table} v ON v.id = i.version_id "
    f"JOIN {ProcessModel._meta.db_table} m ON m.id = v.process_model_id "
    f"LEFT JOIN {_USERS} a ON a.id = t.assignee_id "
    f"LEFT JOIN {_USERS} c ON c.id = t.completed_by_id "
    "WHERE t.id = ANY(%s)"
)


def task_rows(ids: list[int], now: datetime) -> list[dict[str, Any]]:
    """The API list rows of `ids`, in that order (ids gone meanwhile are left out)."""
    if not ids:
        return []
    found = execute((_ROWS_SQL, [ids]), binary_results=True)
    by_id: dict[int, dict[str, Any]] = {}
    for values in found:
        row: dict[str, Any] = {}
        for key, value in zip(_ROW_KEYS, values, strict=True):
            row[key] = value.isoformat() if isinstance(value, datetime) else value
            if key == "due_at":
                row["overdue"] = bool(values[_STATUS] == HumanTask.Status.OPEN and value and value < now)
        by_id[row["id"]] = row
    return [by_id[pk] for pk in ids if pk in by_id]
