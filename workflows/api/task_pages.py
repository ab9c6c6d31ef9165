"""One page of a user's tasks, fast at any table size.

"Mine" and "claimable by my groups" are separate index orders (htask_mine, htask_claimable), and
an OR of the two, or a candidate_group IN (...) over a big group, makes PostgreSQL fetch and sort
every matching row. Instead the page ids come from the top rows of each group and of "mine",
merged (each branch an index-only scan of at most offset+limit entries), and the count is capped:
an inbox with more than COUNT_CAP tasks shows "1000+" rather than counting them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from .. import registry
from ..models import HumanTask
from .queries import tasks_for

COUNT_CAP = 1000
MAX_LIMIT = 200
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


@dataclass(frozen=True)
class TaskPage:
    rows: list[HumanTask]
    count: int
    count_capped: bool


def _branches(view: str) -> list[str]:
    if view == "mine":
        return [_MINE]
    if view == "claimable":
        return [_CLAIMABLE]
    return [_MINE, _CLAIMABLE]


def _fast_ids(user: Any, view: str, limit: int, offset: int) -> tuple[list[int], int]:
    groups = sorted(registry.directory().groups_of(user))
    branches = " UNION ALL ".join(f"({sql})" for sql in _branches(view))
    params = {"groups": groups, "user": user.pk, "depth": offset + limit}
    page_sql = (
        f"SELECT id FROM ({branches}) AS p ORDER BY priority DESC, id LIMIT %(limit)s OFFSET %(offset)s"
    )
    count_params = {**params, "depth": COUNT_CAP + 1}
    count_sql = f"SELECT count(*) FROM ({branches}) AS c"
    with connection.cursor() as cursor:
        cursor.execute(page_sql, {**params, "limit": limit, "offset": offset})
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(count_sql, count_params)
        count = cursor.fetchone()[0]
    return ids, count


def open_tab_counts(user: Any) -> tuple[int, int, int]:
    """(mine, claimable, overdue) of the user's open tasks, each capped at COUNT_CAP + 1: one round trip.

    Kept on the user object, which lives for one request: the page header and the inbox tabs both
    show these numbers.
    """
    cached: tuple[int, int, int] | None = getattr(user, "_nqi_open_counts", None)
    if cached is not None:
        return cached
    groups = sorted(registry.directory().groups_of(user))
    sql = (
        f"SELECT (SELECT count(*) FROM ({_MINE}) AS m), (SELECT count(*) FROM ({_CLAIMABLE}) AS c), "
        f"(SELECT count(*) FROM (SELECT * FROM (({_MINE_OVERDUE}) UNION ALL ({_CLAIMABLE_OVERDUE})) AS u "
        "LIMIT %(depth)s) AS d)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"groups": groups, "user": user.pk, "depth": COUNT_CAP + 1})
        mine, claimable, late = cursor.fetchone()
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


def task_page(user: Any, params: Any, limit: int, offset: int) -> TaskPage:
    view = params.get("view") or "inbox"
    fast = view in FAST_VIEWS and not any(params.get(name) for name in _GENERAL_FILTERS)
    ids, count = _fast_ids(user, view, limit, offset) if fast else _general_ids(user, params, limit, offset)
    return TaskPage(rows=list_rows(ids), count=min(count, COUNT_CAP), count_capped=count > COUNT_CAP)


def task_row(task: HumanTask, now: Any) -> dict[str, Any]:
    """A list row, built by hand: on a 50-row page the generic serializer costs more than the SQL.
    The keys are TaskSerializer's (a test holds them equal), which stays the schema's source."""
    instance = task.instance
    return {
        "id": task.pk,
        "instance": task.instance_id,
        "instance_business_key": instance.business_key,
        "instance_subject": instance.subject,
        "process": instance.version.process_model.key,
        "task_spec": task.task_spec,
        "title": task.title,
        "lane": task.lane,
        "candidate_role": task.candidate_role,
        "candidate_org_unit": task.candidate_org_unit,
        "candidate_group": task.candidate_group,
        "assignee": task.assignee.username if task.assignee is not None else None,
        "status": task.status,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "overdue": bool(task.status == HumanTask.Status.OPEN and task.due_at and task.due_at < now),
        "priority": task.priority,
        "form_file": task.form_file,
        "created_at": task.created_at.isoformat(),
        "claimed_at": task.claimed_at.isoformat() if task.claimed_at else None,
        "completed_at": task.completed_at.isoformat() if task.completed_at else None,
        "completed_by": task.completed_by.username if task.completed_by is not None else None,
    }
