"""No API list is unbounded, and API lists mask personal values (issue 19, item 3).

Every GET endpoint under /api/ is classified here: a generic list (DRF's paginator, bounded by
core/http/pagination.py), a list that pages itself with the same limit_and_offset(), a list
bounded some other way (with the bound named), or not a list. A new endpoint that is none of
these fails until it is classified, so a list cannot be added without a maximum page size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.generics import ListAPIView
from rest_framework.test import APIClient

from casemgmt.registry.enterprise_changes import propose_from_intake
from core.http.pagination import MAX_LIMIT, BoundedLimitOffsetPagination
from core.service import write_transaction
from tests.personas import Cast
from tests.privacy import masked_world as mw

# Lists that page themselves with core.http.pagination.limit_and_offset().
SELF_PAGED = frozenset(
    {"task-list", "process-model-detail", "registry-api-enterprise-proposals", "promotion-api-assessments"}
)
# Lists bounded otherwise, and by what.
BOUNDED_ELSEWHERE = {
    "phrase-list": "a person keeps at most 50 phrases (workflows/phrases.py MAX_PHRASES)",
    "promotion-api-pipeline": "at most 500 running cycles (casemgmt/promotion/queries.py REPORT_LIMIT)",
    "task-return-targets": "the steps of the task's own diagram",
}
# GET endpoints that answer one object (its nested lists bounded by that object) or a file.
NOT_LISTS = frozenset(
    {
        "api-schema",
        "api-docs",
        "process-model-version",
        "process-model-draft",
        "instance-detail",  # its audit events are cut at 200
        "task-detail",
        "model-change-detail",
        "audit-chain-verification",
        "registry-api-project",
        "registry-api-station",
        "registry-api-enterprise",
        "cases-api-detail",
        "archive-api-outcome-detail",
        "archive-api-enterprise",
        "archive-api-sheet-enterprise",
        "archive-api-sheet-project",
        "scorecard-api-evaluation",
        "scorecard-api-whatif",
        "scorecard-api-project-whatif",
        "scorecard-api-typical-case",
    }
)


def api_get_endpoints() -> Iterator[tuple[str, Any]]:
    """(URL name, view class) of every named API pattern that answers GET."""

    def walk(patterns: Any, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern), entry

    for route, pattern in walk(get_resolver().url_patterns, ""):
        view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if route.startswith("api/") and pattern.name and view is not None and hasattr(view, "get"):
            yield pattern.name, view


def test_every_api_get_endpoint_is_classified() -> None:
    generic = {name for name, view in api_get_endpoints() if issubclass(view, ListAPIView)}
    others = {name for name, view in api_get_endpoints()} - generic
    unclassified = others - SELF_PAGED - set(BOUNDED_ELSEWHERE) - NOT_LISTS
    assert not unclassified, f"say how these GET endpoints bound their answer: {sorted(unclassified)}"
    stale = (SELF_PAGED | set(BOUNDED_ELSEWHERE) | NOT_LISTS) - others
    assert not stale, f"no such non-generic GET endpoint any more: {sorted(stale)}"


def test_every_generic_list_uses_the_bounded_paginator() -> None:
    unbounded = [
        name
        for name, view in api_get_endpoints()
        if issubclass(view, ListAPIView)
        and not (view.pagination_class and issubclass(view.pagination_class, BoundedLimitOffsetPagination))
    ]
    assert not unbounded, f"lists without the bounded paginator: {unbounded}"
    assert BoundedLimitOffsetPagination.max_limit == MAX_LIMIT == 200


@pytest.fixture
def lists(cast: Cast, deploy_fixture: Callable[[str], Any]) -> dict[str, str]:
    """Every list endpoint's URL, with arguments that exist and that the admin may see."""
    deploy_fixture("approval")
    world = mw.build()
    urls = {name: reverse(name) for name, view in api_get_endpoints() if issubclass(view, ListAPIView)}
    urls.update(
        {
            "task-list": reverse("task-list"),
            "process-model-detail": reverse("process-model-detail", args=["approval"]),
            "registry-api-enterprise-proposals": reverse(
                "registry-api-enterprise-proposals", args=[world.enterprise.credit_code]
            ),
            "promotion-api-assessments": reverse("promotion-api-assessments", args=[world.project.code]),
        }
    )
    assert set(urls) >= SELF_PAGED
    return urls


def test_a_limit_over_the_maximum_is_refused_on_every_list(cast: Cast, lists: dict[str, str]) -> None:
    client = APIClient()
    client.force_authenticate(cast.admin)
    answers: dict[str, tuple[int, int, int]] = {}
    for name, url in lists.items():
        over = client.get(url, {"limit": str(MAX_LIMIT + 1)})
        # No renderer or format switch gets round it.
        formatted = client.get(url, {"limit": "10000", "format": "json"})
        at_most = client.get(url, {"limit": str(MAX_LIMIT)})
        answers[name] = (over.status_code, formatted.status_code, at_most.status_code)
        if over.status_code == 400:
            assert [f["field"] for f in over.json()["fields"]] == ["limit"], name
    assert answers == dict.fromkeys(lists, (400, 400, 200))


def test_the_default_page_is_bounded(cast: Cast, lists: dict[str, str]) -> None:
    """Without a limit a generic list answers its first page of at most 50."""
    client = APIClient()
    client.force_authenticate(cast.admin)
    for name in ("registry-api-enterprises", "cases-api-list", "audit-event-list"):
        body = client.get(lists[name]).json()
        assert set(body) >= {"count", "results"} and len(body["results"]) <= 50, name


def test_the_enterprise_list_masks_and_one_enterprise_is_in_full(cast: Cast) -> None:
    world = mw.build()
    client = APIClient()
    client.force_authenticate(cast.office_a)
    rows = client.get(reverse("registry-api-enterprises")).json()["results"]
    [row] = [r for r in rows if r["id"] == world.enterprise.pk]
    assert (row["contact_name"], row["phone"], row["address"]) == (
        mw.ENTERPRISE_CONTACT_MASKED,
        mw.ENTERPRISE_PHONE_MASKED,
        mw.ADDRESS_MASKED,
    )
    assert row["name"] == world.enterprise.name  # an enterprise's own name is not personal
    one = client.get(reverse("registry-api-enterprise", args=[world.enterprise.credit_code])).json()
    assert (one["contact_name"], one["phone"], one["address"]) == (
        mw.ENTERPRISE_CONTACT,
        mw.ENTERPRISE_PHONE,
        mw.ADDRESS,
    )


def test_the_proposal_list_masks_personal_values(cast: Cast) -> None:
    world = mw.build()
    typed = {"contact_name": "赵六", "phone": "+8613711112222", "address": mw.ADDRESS, "name": "新名称"}
    with write_transaction():
        propose_from_intake(world.enterprise, world.case, typed, actor=None, instance=None)
    client = APIClient()
    client.force_authenticate(cast.office_a)
    url = reverse("registry-api-enterprise-proposals", args=[world.enterprise.credit_code])
    [proposal] = client.get(url).json()
    changes = {change["field"]: change for change in proposal["changes"]}
    assert changes["phone"]["proposed"] == "137****2222"
    assert changes["phone"]["now"] == mw.ENTERPRISE_PHONE_MASKED
    assert changes["contact_name"]["proposed"] == "赵*"
    assert changes["name"]["proposed"] == "新名称"
