"""Paging the inbox at any table size.

Django's Paginator counts the whole result; for a district-wide group that is tens of thousands of
rows on every page view. Here counts are capped (a tab shows "1000+"), and the common case, an
unfiltered open tab in the default order, takes its page from workflows' merged index scans.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from casemgmt.inbox.query import InboxQuery, default_sort, tab_tasks
from workflows.models import HumanTask
from workflows.queries.task_pages import COUNT_CAP, capped_count, list_rows, task_page

_FAST_TABS = {"all": "inbox", "mine": "mine", "claimable": "claimable"}


class CappedPaginator(Paginator):
    """A paginator whose count stops at COUNT_CAP + 1; pages past the cap are not offered."""

    def __init__(self, tasks: QuerySet[HumanTask], per_page: int) -> None:
        super().__init__(tasks, per_page)
        self._tasks = tasks

    @cached_property
    def count(self) -> int:
        return capped_count(self._tasks)


class _Known(Paginator):
    """A paginator over rows fetched already, with the total given."""

    def __init__(self, total: int, per_page: int) -> None:
        super().__init__([], per_page)
        self._total = total

    @cached_property
    def count(self) -> int:
        return self._total


def inbox_page(user: Any, query: InboxQuery, number: Any) -> tuple[Paginator, Page[Any], list[HumanTask]]:
    fast = query.tab in _FAST_TABS and not query.filters and query.sort == default_sort(query.tab)
    if not fast:
        paginator: Paginator = CappedPaginator(tab_tasks(user, query), query.per_page)
        page = paginator.get_page(number)
        ids = [task.pk for task in page.object_list]
        return paginator, page, list_rows(ids)
    wanted = min(_as_int(number), COUNT_CAP // query.per_page + 1)
    result = task_page(user, _FAST_TABS[query.tab], query.per_page, (wanted - 1) * query.per_page)
    total = result.count + (1 if result.count_capped else 0)
    paginator = _Known(total, query.per_page)
    if wanted > paginator.num_pages:  # past the end: show the last page, as get_page() does
        return inbox_page(user, query, paginator.num_pages)
    page = Page(result.rows, wanted, paginator)
    return paginator, page, result.rows


def _as_int(number: Any) -> int:
    try:
        return max(int(number), 1)
    except (TypeError, ValueError):
        return 1
