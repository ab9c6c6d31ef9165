"""The inbox page: tabs and counts per persona, filters, sorting, paging and the query budget.

The claim / release / reassign actions are in test_inbox_actions.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.personas import OPERATOR_A, OPERATOR_B, Cast
from tests.web.inbox_support import advance, at, client_for, open_task, page, row_ids, start, tab_counts
from workflows import human_tasks
from workflows.api.queries import tasks_for
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = pytest.mark.django_db

TAB_VIEWS = {
    "all": "inbox",
    "mine": "mine",
    "claimable": "claimable",
    "overdue": "overdue",
    "completed": "completed",
}


@pytest.fixture
def world(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]) -> dict[str, HumanTask]:
    """Five cases: two waiting at submit (one overdue), one at district review in each area,
    one at archive. Due dates are fixed so that range filters have something to bite on."""
    deploy_fixture("approval")
    i1 = start(cast.operator_a, OPERATOR_A, "SQ-1", "计量器具检定")
    i2 = start(cast.operator_a, OPERATOR_A, "SQ-2")
    i3 = start(cast.operator_a, OPERATOR_A, "SQ-3")
    i4 = start(cast.operator_b, OPERATOR_B, "SQ-4")
    i5 = start(cast.operator_a, OPERATOR_A, "SQ-5")
    HumanTask.objects.filter(instance=i1).update(due_at=at("2030-01-10"), priority=40)
    HumanTask.objects.filter(instance=i2).update(due_at=timezone.now() - timedelta(days=2), priority=90)
    return {
        "submit": open_task(i1),
        "overdue": open_task(i2),
        "district_a": advance(i3, cast.operator_a, cast.office_a, cast.reviewer, "district_review"),
        "district_b": advance(i4, cast.operator_b, cast.office_b, cast.reviewer, "district_review"),
        "archive": advance(i5, cast.operator_a, cast.office_a, cast.reviewer, "archive"),
    }


# ---- tabs and counts -------------------------------------------------------------------------


def test_tabs_and_counts_per_persona(world: dict[str, HumanTask], cast: Cast) -> None:
    expected = {
        "operator_a": {"all": 3, "mine": 0, "claimable": 3, "overdue": 1, "completed": 2},
        "reviewer": {"all": 2, "mine": 0, "claimable": 2, "overdue": 0, "completed": 1},
        "office_a": {"all": 0, "mine": 0, "claimable": 0, "overdue": 0, "completed": 2},
        "operator_b": {"all": 0, "mine": 0, "claimable": 0, "overdue": 0, "completed": 1},
        "office_b": {"all": 0, "mine": 0, "claimable": 0, "overdue": 0, "completed": 1},
        "auditor": {"all": 0, "mine": 0, "claimable": 0, "overdue": 0, "completed": 0},
        "stranger": {"all": 0, "mine": 0, "claimable": 0, "overdue": 0, "completed": 0},
    }
    for persona, counts in expected.items():
        user = getattr(cast, persona)
        client = client_for(user)
        assert tab_counts(page(client)) == counts, persona
        for tab, view in TAB_VIEWS.items():
            # The page lists exactly what the API's view holds, and the tab count agrees.
            listed = row_ids(page(client, tab=tab))
            assert sorted(listed) == sorted(tasks_for(user, {"view": view}).values_list("pk", flat=True))
            assert len(listed) == counts[tab], (persona, tab)


def test_claimed_task_moves_from_claimable_to_mine(world: dict[str, HumanTask], cast: Cast) -> None:
    human_tasks.claim(world["submit"].pk, actor=cast.operator_a)
    counts = tab_counts(page(client_for(cast.operator_a)))
    assert (counts["all"], counts["mine"], counts["claimable"]) == (3, 1, 2)
    assert row_ids(page(client_for(cast.operator_a), tab="mine")) == [world["submit"].pk]


def test_anonymous_is_sent_to_login(world: dict[str, HumanTask]) -> None:
    response = Client().get(reverse("inbox"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    home = Client().get(reverse("home"))
    assert home.status_code == 302


def test_rows_show_due_priority_overdue_and_link(world: dict[str, HumanTask], cast: Cast) -> None:
    html = page(client_for(cast.operator_a)).content.decode()
    overdue = world["overdue"]
    row = re.search(rf'<tr id="task-{overdue.pk}" class="([^"]+)".*?</tr>', html, re.S)
    assert row and "overdue" in row.group(1).split()
    assert 'data-testid="overdue"' in row.group(0) and "High · 90" in row.group(0)
    assert f'href="/tasks/{overdue.pk}/"' in row.group(0)
    calm = re.search(rf'<tr id="task-{world["submit"].pk}" class="([^"]+)".*?</tr>', html, re.S)
    assert calm and "overdue" not in calm.group(1).split()
    assert ">2030-01-10<" in calm.group(0) and "Normal · 40" in calm.group(0)  # a due date is a date
    assert "css/inbox.css" in html


# ---- filters -------------------------------------------------------------------------------


def test_filters_narrow_rows_and_counts(world: dict[str, HumanTask], cast: Cast) -> None:
    reviewer = client_for(cast.reviewer)
    a, b = world["district_a"].pk, world["district_b"].pk
    assert sorted(row_ids(page(reviewer))) == sorted([a, b])
    assert row_ids(page(reviewer, office="office-fangsong")) == [a]
    assert row_ids(page(reviewer, office="office-yueyang")) == [b]
    assert row_ids(page(reviewer, project=OPERATOR_B)) == [b]
    assert sorted(row_ids(page(reviewer, process="approval"))) == sorted([a, b])
    assert row_ids(page(reviewer, process="nope")) == []
    assert tab_counts(page(reviewer, office="office-yueyang"))["claimable"] == 1

    operator = client_for(cast.operator_a)
    assert row_ids(page(operator, stage="archive")) == [world["archive"].pk]
    assert sorted(row_ids(page(operator, stage="submit"))) == sorted(
        [world["submit"].pk, world["overdue"].pk]
    )
    assert row_ids(page(operator, q="SQ-1")) == [world["submit"].pk]
    assert row_ids(page(operator, q="器具")) == [world["submit"].pk]  # the case's subject
    assert row_ids(page(operator, q="归档")) == [world["archive"].pk]  # the task's title
    # Due range: whole Shanghai days, both ends included.
    assert row_ids(page(operator, due_after="2030-01-10", due_before="2030-01-10")) == [world["submit"].pk]
    assert row_ids(page(operator, due_after="2030-01-11")) == []
    assert row_ids(page(operator, due_before="2029-12-31")) == [world["overdue"].pk]
    assert tab_counts(page(operator, q="SQ-1")) == {
        "all": 1,
        "mine": 0,
        "claimable": 1,
        "overdue": 0,
        "completed": 0,
    }


@pytest.mark.parametrize(
    "params",
    [
        {"tab": "everything"},
        {"due_after": "yesterday"},
        {"due_before": "2030-02-30"},
        {"due_after": "2030-02-01", "due_before": "2030-01-01"},
        {"sort": "instance__state"},
        {"sort": "-id; drop table x"},
        {"per_page": "7"},
        {"per_page": "many"},
        {"page": "abc"},
        {"page": "999"},
        {"page": "-1"},
        # A NUL byte is refused before the page by core/http/edge.py (tests/test_edge_inputs.py).
        {"q": "x" * 500},
        {"project": "p" * 100},
        {"stage": "'; --"},
    ],
)
def test_bad_filter_values_are_reported_not_500(
    world: dict[str, HumanTask], cast: Cast, params: dict[str, str]
) -> None:
    response = page(client_for(cast.operator_a), **params)
    html = response.content.decode()
    if not {"page", "stage"} & set(params):
        assert 'data-testid="filter-errors"' in html
    assert 'data-testid="inbox-table"' in html


# ---- sorting and paging -----------------------------------------------------------------------


def clone(task: HumanTask, n: int) -> list[HumanTask]:
    """n more open rows like `task` (same case), with distinct titles, priorities and due dates."""
    base = timezone.now() + timedelta(days=1)
    rows = [
        HumanTask(
            instance_id=task.instance_id,
            spiff_task_id=uuid4(),
            task_spec=task.task_spec,
            title=f"task{i:03d}",
            lane=task.lane,
            candidate_role=task.candidate_role,
            candidate_org_unit=task.candidate_org_unit,
            candidate_group=task.candidate_group,
            priority=(i * 37) % 101,
            due_at=base + timedelta(hours=(i * 13) % 97) if i % 5 else None,
        )
        for i in range(n)
    ]
    return HumanTask.objects.bulk_create(rows)


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("priority", lambda t: (t.priority, t.pk), False),
        ("-priority", lambda t: (t.priority, t.pk), True),
        ("title", lambda t: (t.title, t.pk), False),
        ("-title", lambda t: (t.title, t.pk), True),
        ("created", lambda t: (t.created_at, t.pk), False),
        ("-created", lambda t: (t.created_at, t.pk), True),
    ],
)
def test_sorting(
    world: dict[str, HumanTask], cast: Cast, sort: str, key: Callable[[HumanTask], Any], reverse: bool
) -> None:
    # Plain lowercase titles: every collation orders those the way Python does.
    for name in ("submit", "overdue", "archive"):
        HumanTask.objects.filter(pk=world[name].pk).update(title=f"{name}x")
    clone(world["submit"], 12)
    listed = row_ids(page(client_for(cast.operator_a), sort=sort, per_page=100))
    tasks = sorted(tasks_for(cast.operator_a, {"view": "inbox"}), key=key, reverse=reverse)
    assert listed == [t.pk for t in tasks]


def test_sorting_by_due_puts_undated_tasks_last_both_ways(world: dict[str, HumanTask], cast: Cast) -> None:
    clone(world["submit"], 12)
    tasks = list(tasks_for(cast.operator_a, {"view": "inbox"}))
    dated = [t for t in tasks if t.due_at is not None]
    undated = sorted(t.pk for t in tasks if t.due_at is None)
    ascending = row_ids(page(client_for(cast.operator_a), sort="due", per_page=100))
    assert ascending == [t.pk for t in sorted(dated, key=lambda t: (t.due_at, t.pk))] + undated
    descending = row_ids(page(client_for(cast.operator_a), sort="-due", per_page=100))
    assert descending[: len(dated)] == [t.pk for t in sorted(dated, key=lambda t: (t.due_at, t.pk))][::-1]
    assert sorted(descending[len(dated) :]) == undated


def test_unknown_sort_falls_back_to_priority(world: dict[str, HumanTask], cast: Cast) -> None:
    client = client_for(cast.operator_a)
    assert row_ids(page(client, sort="instance__state")) == row_ids(page(client, sort="-priority"))
    assert row_ids(page(client))[0] == world["overdue"].pk  # priority 90 first by default


def test_paging(world: dict[str, HumanTask], cast: Cast) -> None:
    clone(world["submit"], 57)  # 60 open tasks for operator_a
    client = client_for(cast.operator_a)
    first, third = page(client), page(client, page=3)
    assert len(row_ids(first)) == 25 and len(row_ids(third)) == 10
    assert "Page 1 of 3 · 60 tasks" in first.content.decode()
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    every = row_ids(first) + row_ids(page(client, page=2)) + row_ids(third)
    assert len(set(every)) == 60
    assert row_ids(page(client, page=99)) == row_ids(third)  # past the end: the last page
    assert len(row_ids(page(client, per_page=50))) == 50
    assert len(row_ids(page(client, per_page=100))) == 60
    assert tab_counts(first)["all"] == 60


def test_rows_with_an_assignee_add_no_queries(world: dict[str, HumanTask], cast: Cast) -> None:
    # The rows show the assignee's full name: it comes with the page's one row query.
    client = client_for(cast.operator_a)
    clone(world["submit"], 30)
    page(client)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, per_page=100)
        return len(captured)

    unassigned = queries()
    HumanTask.objects.filter(status="open", candidate_group=world["submit"].candidate_group).update(
        assignee=cast.operator_a
    )
    assert queries() == unassigned


def test_query_count_does_not_grow_with_the_page(
    world: dict[str, HumanTask], cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.operator_a)
    page(client)  # session, caches, and the like settle on the first request

    def queries(**params: Any) -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, **params)
        return len(captured)

    small = queries(per_page=100)
    clone(world["submit"], 80)
    # 21: the header's unread-notification count is one of them, the case lists' counts another.
    with django_assert_max_num_queries(21):
        page(client, per_page=100)
    assert queries(per_page=100) == small
    # Filters take the general query, which counts and pages in two statements (the merged-index
    # page does both in one).
    assert queries(per_page=100, office="office-fangsong", q="task", due_after="2020-01-01") <= small + 1
