"""The inbox's two tabs that list cases rather than tasks: 我发起的 (the instances the user
started, with their current steps) and 抄送我的 (the copies sent to them). Each is one query
for the page and one for its current steps; counts are capped like the task tabs'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse

from workflows import copies
from workflows.catalog import task_title
from workflows.models import HumanTask, ProcessInstance, TaskCopy
from workflows.queries.task_pages import COUNT_CAP

LIST_TABS = ("started", "copied")


@dataclass
class ListRow:
    instance: ProcessInstance
    url: str
    steps: list[str]  # the titles of its open steps
    when: datetime | None
    by: str = ""  # who sent a copy
    title: str = ""  # the task a copy is of
    unread: bool = False


def started(user: Any) -> QuerySet[ProcessInstance]:
    """我发起的: open ones first, newest first."""
    return (
        ProcessInstance.objects.filter(started_by_id=user.pk, is_test=False)
        .select_related("version__process_model")
        .defer("state")
        .order_by("ended_at", "-id")
    )


# Both tabs' counts in one statement, each capped like the task tabs' (COUNT_CAP + 1): the open
# cases the user started, and the copies to them not yet read.
_STARTED = ProcessInstance._meta.db_table
_COPIES = TaskCopy._meta.db_table
# Table names from the models' metadata; the values are parameters.
_COUNTS = (
    f"SELECT (SELECT count(*) FROM (SELECT 1 FROM {_STARTED} WHERE started_by_id = %(user)s "  # noqa: S608
    "AND NOT is_test AND ended_at IS NULL LIMIT %(cap)s) s), "
    f"(SELECT count(*) FROM (SELECT 1 FROM {_COPIES} WHERE recipient_id = %(user)s "
    "AND read_at IS NULL LIMIT %(cap)s) c)"
)


def counts(user: Any) -> dict[str, int]:
    """The two tabs' counts: open cases started by the user, unread copies."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS, {"user": user.pk, "cap": COUNT_CAP + 1})
        started_count, unread = cursor.fetchone()
    return {"started": started_count, "copied": unread}


def _steps(instances: list[ProcessInstance]) -> dict[int, list[str]]:
    """The titles of each instance's open steps, in the reader's language."""
    found: dict[int, list[str]] = {}
    versions = {instance.pk: instance.version for instance in instances}
    rows = HumanTask.objects.filter(
        instance_id__in=list(versions), status=HumanTask.Status.OPEN, added_to=None
    ).only("id", "instance_id", "title", "task_spec")
    for task in rows.order_by("id"):
        found.setdefault(task.instance_id, []).append(task_title(task, versions[task.instance_id]))
    return found


def list_page(user: Any, tab: str, number: Any, per_page: int) -> tuple[Paginator, Page[Any], list[ListRow]]:
    source: QuerySet[Any] = started(user) if tab == "started" else copies.copies_for(user)
    paginator = Paginator(source, per_page)
    page = paginator.get_page(number)
    items = list(page.object_list)
    if tab == "started":
        steps = _steps(items)
        rows = [
            ListRow(i, reverse("instance-record", args=[i.pk]), steps.get(i.pk, []), i.started_at)
            for i in items
        ]
    else:
        steps = _steps([c.instance for c in items])
        rows = [_copy_row(c, steps) for c in items]
    return paginator, page, rows


def _copy_row(copy: TaskCopy, steps: dict[int, list[str]]) -> ListRow:
    sender = copy.sent_by.get_full_name() or copy.sent_by.get_username() if copy.sent_by else ""
    return ListRow(
        copy.instance,
        reverse("instance-record", args=[copy.instance_id]),
        steps.get(copy.instance_id, []),
        copy.created_at,
        by=sender,
        title=task_title(copy.task, copy.instance.version),
        unread=copy.read_at is None,
    )
