"""One page of a user's tasks, and the views' counts, fast at any table size.

"Mine" and "claimable by my groups" are separate index orders (htask_mine, htask_claimable), and
an OR of the two, or a candidate_group IN (...) over a big group, makes PostgreSQL fetch and sort
every matching row. Instead the page ids come from the top rows of each group and of "mine",
merged (each branch an index-only scan of at most offset+limit entries), and the count is capped:
a view with more than COUNT_CAP tasks shows "1000+" rather than counting them all. The SQL below
reads the same sets as tasks.held; any filter beyond the view itself takes the general query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Count, QuerySet

from core.db.statements import execute, named
from core.request_cache import per_user

from .. import registry
from ..models import HumanTask
from .tasks import any_view, held, view_tasks

COUNT_CAP = 1000
# The views whose pages come from the merged index scans.
FAST_VIEWS = ("inbox", "mine", "claimable")

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

_OPEN_VIEW_COUNTS = (
    f"SELECT (SELECT count(*) FROM ({_MINE}) AS m), (SELECT count(*) FROM ({_CLAIMABLE}) AS c), "
    f"(SELECT count(*) FROM (SELECT * FROM (({_MINE_OVERDUE}) UNION ALL ({_CLAIMABLE_OVERDUE})) AS u "
    "LIMIT %(depth)s) AS d)"
)


Row = TypeVar("Row")


@dataclass(frozen=True)
class TaskPage(Generic[Row]):
    rows: list[Row]
    count: int
    count_capped: bool

    @classmethod
    def of(cls, rows: list[Row], count: int) -> TaskPage[Row]:
        """A page whose `count` (up to COUNT_CAP + 1) is shown as at most COUNT_CAP, flagged."""
        return cls(rows=rows, count=min(count, COUNT_CAP), count_capped=count > COUNT_CAP)


def _groups(user: Any) -> list[str]:
    return sorted(registry.directory().groups_of(user))


def _branches(view: str, depth: str) -> str:
    """The view's index branches, each reading at most `%(<depth>)s` entries."""
    chosen = {"mine": [_MINE], "claimable": [_CLAIMABLE]}.get(view, [_MINE, _CLAIMABLE])
    return " UNION ALL ".join(f"({sql})" for sql in chosen).replace("%(depth)s", f"%({depth})s")


def fast_ids(user: Any, view: str, limit: int, offset: int) -> tuple[list[int], int]:
    """A FAST_VIEWS page's ids and its capped count, in one prepared statement (one round trip)."""
    sql = (
        f"SELECT ARRAY(SELECT id FROM ({_branches(view, 'page_depth')}) AS p "
        "ORDER BY priority DESC, id LIMIT %(limit)s OFFSET %(offset)s), "
        f"(SELECT count(*) FROM ({_branches(view, 'count_depth')}) AS c)"
    )
    values = {
        "groups": _groups(user),
        "user": user.pk,
        "page_depth": offset + limit,
        "count_depth": COUNT_CAP + 1,
        "limit": limit,
        "offset": offset,
    }
    ((ids, count),) = execute(named(sql, values), binary_results=True)
    return list(ids), int(count)


def capped_count(tasks: QuerySet[HumanTask]) -> int:
    """How many tasks match, counting no further than COUNT_CAP + 1."""
    return tasks.order_by()[: COUNT_CAP + 1].count()


def capped_ids(tasks: QuerySet[HumanTask], limit: int, offset: int) -> tuple[list[int], int]:
    """A page's ids of any task query, and its capped count (two statements)."""
    count = capped_count(tasks)
    ids = list(tasks.values_list("id", flat=True)[offset : offset + limit])
    return ids, count


def open_view_counts(user: Any) -> tuple[int, int, int]:
    """(mine, claimable, overdue) of the user's open tasks, each capped at COUNT_CAP + 1: one round
    trip, once per request (the page header and the inbox tabs both show these numbers)."""

    def count() -> tuple[int, int, int]:
        values = {"groups": _groups(user), "user": user.pk, "depth": COUNT_CAP + 1}
        ((mine, claimable, late),) = execute(named(_OPEN_VIEW_COUNTS, values), binary_results=True)
        return mine, claimable, late

    return per_user(user, "open_view_counts", count)


def open_counts(user: Any) -> tuple[int, int]:
    """(open, overdue) for the page header."""
    mine, claimable, late = open_view_counts(user)
    return mine + claimable, late


def view_counts(
    user: Any, narrow: Callable[[QuerySet[HumanTask]], QuerySet[HumanTask]] | None = None
) -> dict[str, int]:
    """Per view, how many tasks it holds, optionally narrowed by filters.

    Unnarrowed (the usual case) the open views are counted from the per-group index scans and
    "completed" from its own index, each capped at COUNT_CAP + 1: a handful of index pages
    whatever the table size. Narrowed, one aggregate over the user's tasks.
    """
    if narrow is None:
        mine, claimable, overdue = open_view_counts(user)
        completed = capped_count(HumanTask.objects.filter(held("completed", user)))
    else:
        conditions = {view: held(view, user) for view in ("mine", "claimable", "overdue", "completed")}
        found = narrow(any_view(user)).aggregate(
            **{view: Count("id", filter=condition) for view, condition in conditions.items()}
        )
        mine, claimable, overdue, completed = (int(found[view] or 0) for view in conditions)
    return {
        "inbox": mine + claimable,
        "mine": mine,
        "claimable": claimable,
        "overdue": overdue,
        "completed": completed,
    }


def list_rows(ids: list[int]) -> list[HumanTask]:
    """The rows for a list, with only the related columns a list shows (no state, no files)."""
    found: QuerySet[HumanTask] = (
        HumanTask.objects.filter(pk__in=ids)
        .select_related("assignee", "completed_by", "instance__version__process_model")
        .only(
            *(f.name for f in HumanTask._meta.concrete_fields if f.name != "instructions"),
            # Lists show people by their full names (get_full_name): deferred, each row with an
            # assignee would fetch them one query at a time.
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
            "completed_by__username",
            "completed_by__first_name",
            "completed_by__last_name",
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


def task_page(user: Any, view: str, limit: int, offset: int) -> TaskPage[HumanTask]:
    """A page of one view's task objects, in the view's default order."""
    if view in FAST_VIEWS:
        ids, count = fast_ids(user, view, limit, offset)
    else:
        ids, count = capped_ids(view_tasks(user, view), limit, offset)
    return TaskPage.of(list_rows(ids), count)
