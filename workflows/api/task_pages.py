"""One page of a user's tasks, fast at any table size.

"Mine" and "claimable by my groups" are separate index orders (htask_mine, htask_claimable), and
an OR of the two, or a candidate_group IN (...) over a big group, makes PostgreSQL fetch and sort
every matching row. Instead the page ids come from the top rows of each group and of "mine",
merged (each branch an index-only scan of at most offset+limit entries), and the count is capped:
an inbox with more than COUNT_CAP tasks shows "1000+" rather than counting them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import User
from django.db.models import QuerySet

from core.db.statements import execute, named

from .. import registry
from ..models import HumanTask, ProcessInstance, ProcessModel, ProcessModelVersion
from .queries import tasks_for

COUNT_CAP = 1000
FAST_VIEWS = ("inbox", "mine", "claimable")
# Filters the merged-index query does not apply; any of them takes the general query.
_GENERAL_FILTERS = ("process", "task_spec", "instance", "q", "due_before", "due_after", "sort")

_TABLE = HumanTask._meta.db_table
_CLAIMABLE = (
    "SELECT t.id, t.priority FROM unnest(%(groups)s::text[]) AS g(grp) CROSS JOIN LATERAL ("
    f"SELECT id, priority FROM {_TABLE} WHERE candidate_group = g.grp AND status = 'open' "
    "AND assignee_id IS NULL ORDER BY priority DESC, id LIMIT %(depth)s) AS t"
)
_MINE = (
    f"SELECT id, priority FROM {_TABLE} WHERE assignee_id = %(user)s AND status = 'open' "
    "ORDER BY priority DESC, id LIMIT %(depth)s"
)

# Overdue rows come from the (candidate_group, due_at) index, so a big group with few overdue
# tasks is not read in full to find them.
_CLAIMABLE_OVERDUE = (
    "SELECT t.id FROM unnest(%(groups)s::text[]) AS g(grp) CROSS JOIN LATERAL ("
    f"SELECT id FROM {_TABLE} WHERE candidate_group = g.grp AND status = 'open' "
    "AND assignee_id IS NULL AND due_at < now() ORDER BY due_at LIMIT %(depth)s) AS t"
)
_MINE_OVERDUE = (
    f"SELECT id FROM {_TABLE} WHERE assignee_id = %(user)s AND status = 'open' AND due_at < now() "
    "LIMIT %(depth)s"
)


Row = TypeVar("Row")


@dataclass(frozen=True)
class TaskPage(Generic[Row]):
    rows: list[Row]
    count: int
    count_capped: bool


def _branches(view: str, depth: str) -> str:
    """The view's index branches, each reading at most `%(<depth>)s` entries."""
    chosen = {"mine": [_MINE], "claimable": [_CLAIMABLE]}.get(view, [_MINE, _CLAIMABLE])
    return " UNION ALL ".join(f"({sql})" for sql in chosen).replace("%(depth)s", f"%({depth})s")


def _fast_ids(user: Any, view: str, limit: int, offset: int) -> tuple[list[int], int]:
    """The page's ids and the capped count, in one prepared statement (one round trip)."""
    sql = (
        f"SELECT ARRAY(SELECT id FROM ({_branches(view, 'page_depth')}) AS p "
        "ORDER BY priority DESC, id LIMIT %(limit)s OFFSET %(offset)s), "
        f"(SELECT count(*) FROM ({_branches(view, 'count_depth')}) AS c)"
    )
    values = {
        "groups": sorted(registry.directory().groups_of(user)),
        "user": user.pk,
        "page_depth": offset + limit,
        "count_depth": COUNT_CAP + 1,
        "limit": limit,
        "offset": offset,
    }
    ((ids, count),) = execute(named(sql, values), binary_results=True)
    return list(ids), int(count)


_OPEN_TAB_COUNTS = (
    f"SELECT (SELECT count(*) FROM ({_MINE}) AS m), (SELECT count(*) FROM ({_CLAIMABLE}) AS c), "
    f"(SELECT count(*) FROM (SELECT * FROM (({_MINE_OVERDUE}) UNION ALL ({_CLAIMABLE_OVERDUE})) AS u "
    "LIMIT %(depth)s) AS d)"
)


def open_tab_counts(user: Any) -> tuple[int, int, int]:
    """(mine, claimable, overdue) of the user's open tasks, each capped at COUNT_CAP + 1: one round trip.

    Kept on the user object, which lives for one request: the page header and the inbox tabs both
    show these numbers.
    """
    cached: tuple[int, int, int] | None = getattr(user, "_nqi_open_counts", None)
    if cached is not None:
        return cached
    values = {"groups": sorted(registry.directory().groups_of(user)), "user": user.pk, "depth": COUNT_CAP + 1}
    ((mine, claimable, late),) = execute(named(_OPEN_TAB_COUNTS, values), binary_results=True)
    user._nqi_open_counts = (mine, claimable, late)
    return mine, claimable, late


def open_counts(user: Any) -> tuple[int, int]:
    """(open, overdue) for the page header."""
    mine, claimable, late = open_tab_counts(user)
    return mine + claimable, late


def _general_ids(user: Any, params: Any, limit: int, offset: int) -> tuple[list[int], int]:
    qs = tasks_for(user, params)
    count = qs.order_by()[: COUNT_CAP + 1].count()
    ids = list(qs.values_list("id", flat=True)[offset : offset + limit])
    return ids, count


def list_rows(ids: list[int]) -> list[HumanTask]:
    """The rows for a list, with only the related columns a list shows (no state, no files)."""
    found: QuerySet[HumanTask] = (
        HumanTask.objects.filter(pk__in=ids)
        .select_related("assignee", "completed_by", "instance__version__process_model")
        .only(
            *(f.name for f in HumanTask._meta.concrete_fields if f.name != "instructions"),
            "assignee__username",
            "completed_by__username",
            "instance__business_key",
            "instance__subject",
            "instance__org_unit_code",
            "instance__status",
            "instance__version__number",
            "instance__version__process_model__key",
            "instance__version__process_model__name",
        )
    )
    by_id = {task.pk: task for task in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def _page_ids(user: Any, params: Any, limit: int, offset: int) -> tuple[list[int], int]:
    view = params.get("view") or "inbox"
    fast = view in FAST_VIEWS and not any(params.get(name) for name in _GENERAL_FILTERS)
    return _fast_ids(user, view, limit, offset) if fast else _general_ids(user, params, limit, offset)


def task_page(user: Any, params: Any, limit: int, offset: int) -> TaskPage[HumanTask]:
    """A page of task objects, for the web pages."""
    ids, count = _page_ids(user, params, limit, offset)
    return TaskPage(rows=list_rows(ids), count=min(count, COUNT_CAP), count_capped=count > COUNT_CAP)


def api_task_page(user: Any, params: Any, limit: int, offset: int, now: datetime) -> TaskPage[dict[str, Any]]:
    """A page of the API's task list rows."""
    ids, count = _page_ids(user, params, limit, offset)
    return TaskPage(rows=task_rows(ids, now), count=min(count, COUNT_CAP), count_capped=count > COUNT_CAP)


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
)
_ROW_KEYS = tuple(key for key, _ in _ROW_COLUMNS)
_STATUS = _ROW_KEYS.index("status")
_USERS = User._meta.db_table
_ROWS_SQL = (
    f"SELECT {', '.join(column for _, column in _ROW_COLUMNS)} FROM {_TABLE} t "
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
