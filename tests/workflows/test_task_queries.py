"""workflows/queries: each task view is defined once (tasks.held), and the raw index scans that
serve the common, unfiltered case (task_pages) read exactly the same sets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.personas import OPERATOR_A, OPERATOR_B, Cast
from tests.web.inbox_support import advance, open_task, start
from workflows import human_tasks
from workflows.models import HumanTask, ProcessModelVersion
from workflows.queries.task_pages import COUNT_CAP, fast_ids, open_view_counts, task_page, view_counts
from workflows.queries.tasks import TASK_VIEWS, held, view_tasks

pytestmark = pytest.mark.django_db

PERSONAS = ("operator_a", "operator_b", "office_a", "reviewer", "auditor", "stranger")


@pytest.fixture
def world(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]) -> None:
    """Open tasks claimable by groups, one claimed (and overdue), and completed ones."""
    deploy_fixture("approval")
    first = start(cast.operator_a, OPERATOR_A, "TQ-1")
    start(cast.operator_a, OPERATOR_A, "TQ-2")
    start(cast.operator_b, OPERATOR_B, "TQ-3")
    advance(
        start(cast.operator_a, OPERATOR_A, "TQ-4"), cast.operator_a, cast.office_a, cast.reviewer, "archive"
    )
    claimed = open_task(first)
    human_tasks.claim(claimed.pk, actor=cast.operator_a)
    HumanTask.objects.filter(pk=claimed.pk).update(due_at=timezone.now() - timedelta(days=1))


def _fresh(user: User) -> User:
    # A new user object per question, as each request has: nothing cached carries over.
    return User.objects.get(pk=user.pk)


def _ids(user: User, view: str) -> list[int]:
    return list(view_tasks(_fresh(user), view).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_index_scans_read_what_the_views_hold(world: None, cast: Cast, persona: str) -> None:
    user = getattr(cast, persona)
    for view in ("inbox", "mine", "claimable"):
        ids, count = fast_ids(_fresh(user), view, limit=50, offset=0)
        assert ids == _ids(user, view), (persona, view)  # same set, same order
        assert count == len(ids)
    mine, claimable, overdue = open_view_counts(_fresh(user))
    assert (mine, claimable, overdue) == tuple(
        len(_ids(user, view)) for view in ("mine", "claimable", "overdue")
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_counts_agree_filtered_or_not(world: None, cast: Cast, persona: str) -> None:
    user = getattr(cast, persona)
    expected = {view: len(_ids(user, view)) for view in TASK_VIEWS}
    assert view_counts(_fresh(user)) == expected
    # A filter that keeps everything takes the aggregate: the same numbers.
    assert view_counts(_fresh(user), narrow=lambda tasks: tasks.filter(pk__gt=0)) == expected


def test_the_views_of_one_user(world: None, cast: Cast) -> None:
    user = cast.operator_a
    counts = {view: len(_ids(user, view)) for view in TASK_VIEWS}
    # TQ-1 claimed and overdue; TQ-2's submit and TQ-4's archive step offered to the operator's
    # group; TQ-4's submit completed by the operator; TQ-3 is another area's.
    assert counts == {"inbox": 3, "mine": 1, "claimable": 2, "overdue": 1, "completed": 1}
    assert HumanTask.objects.filter(held("inbox", user)).count() == 3


def test_a_user_without_groups_claims_nothing(world: None, cast: Cast) -> None:
    stranger = _fresh(cast.stranger)
    for view in TASK_VIEWS:
        assert not view_tasks(stranger, view).exists()
    assert view_counts(stranger, narrow=lambda tasks: tasks) == dict.fromkeys(TASK_VIEWS, 0)


def test_a_page_of_any_view(world: None, cast: Cast) -> None:
    for view in TASK_VIEWS:
        page = task_page(_fresh(cast.operator_a), view, limit=1, offset=0)
        assert [task.pk for task in page.rows] == _ids(cast.operator_a, view)[:1]
        assert page.count == len(_ids(cast.operator_a, view)) <= COUNT_CAP and not page.count_capped
