"""Which tasks each of a user's task views holds: the one definition of inbox, mine, claimable,
overdue and completed.

Every list and count of tasks builds on `held` (the API's task list and its filters, the inbox
page's tabs and their counts), so the page and the API cannot disagree on what a view holds. The
raw index scans in task_pages.py read the same sets for the common, unfiltered case; tests hold
the two equal.

The conditions keep the shapes the indexes were built for: "mine" is the predicate of htask_mine
(status = 'open', assignee), "claimable" that of htask_claimable (status = 'open', no assignee,
candidate_group IN the user's groups).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .. import registry
from ..models import HumanTask

TASK_VIEWS = ("inbox", "mine", "claimable", "overdue", "completed")


def held(view: str, user: Any, now: datetime | None = None) -> Q:
    """The tasks `view` holds for `user`, as one condition (overdue means due before `now`)."""
    if view == "completed":
        return Q(completed_by_id=user.pk)
    open_ = Q(status=HumanTask.Status.OPEN)
    assigned = Q(assignee_id=user.pk)
    # A user without groups claims nothing: Django drops an empty IN branch from an OR, answers a
    # lone one with no rows, and counts it as 0 inside an aggregate.
    claimable = Q(assignee__isnull=True, candidate_group__in=sorted(registry.directory().groups_of(user)))
    if view == "mine":
        return open_ & assigned
    if view == "claimable":
        return open_ & claimable
    inbox = open_ & (assigned | claimable)
    if view == "inbox":
        return inbox
    if view == "overdue":
        return inbox & Q(due_at__lt=now or timezone.now())
    raise ValueError(f"not a task view: {view!r}")


def view_tasks(user: Any, view: str) -> QuerySet[HumanTask]:
    """The tasks of one view, in its default order: open ones by priority, completed ones newest
    first (id breaks ties, so paging is stable)."""
    tasks = HumanTask.objects.select_related("assignee", "completed_by", "instance__version__process_model")
    tasks = tasks.filter(held(view, user))
    if view == "completed":
        return tasks.order_by("-completed_at", "-id")
    return tasks.order_by("-priority", "id")


def any_view(user: Any) -> QuerySet[HumanTask]:
    """Every task any view of this user holds: what per-view counts are aggregated over."""
    return HumanTask.objects.filter(held("mine", user) | held("claimable", user) | held("completed", user))
