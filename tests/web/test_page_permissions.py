"""Every page and form action × every persona: allowed, forbidden, or not found for other areas' objects.

The list of pages comes from the URL configuration: a named page URL without a row in MATRIX
(tests/web/page_matrix_rows.py) fails the suite, and so does a row whose URL is gone. The REST
API has its own matrix (tests/workflows/test_api_permissions.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEvent
from casemgmt.models import SavedFilter
from core import request_cache
from tests.conftest import deploy_test_diagram
from tests.matrix import PAGE_ROWS, PREPARERS, PUBLIC_PAGES
from tests.module_world import module_transaction
from tests.personas import Cast, build_cast
from workflows import registry

from .page_matrix_rows import LOGIN, PERSONAS, World
from .page_matrix_rows import MATRIX as CORE_ROWS

# The core pages' rows, then each area's (tests/matrix/<area>.py).
assert not set(CORE_ROWS) & set(PAGE_ROWS), sorted(set(CORE_ROWS) & set(PAGE_ROWS))
MATRIX = {**CORE_ROWS, **PAGE_ROWS}

pytestmark = [pytest.mark.django_db, pytest.mark.matrix]

# URL groups that are deliberately not in this matrix, each with the reason.
EXEMPT = {
    "api/": "the REST API: its own matrix in tests/workflows/test_api_permissions.py",
    "admin/": "Django's admin: guarded by its own staff login and model permissions, not by org unit",
    "accounts/": "Django's sign-in, sign-out and password views: they exist for anonymous users",
    "i18n/": "the language switch (set_language): stores a preference, shows no data",
}


def exempt_group(route: str) -> str | None:
    return next((prefix for prefix in EXEMPT if route.startswith(prefix)), None)


def all_routes() -> Iterator[tuple[str, str]]:
    """(route, name) for every URL pattern, names qualified by their namespace; '' if unnamed."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                yield route, f"{namespace}{pattern.name}" if pattern.name else ""

    yield from walk(get_resolver().url_patterns, "", "")


def page_url_names() -> set[str]:
    names: set[str] = set()
    for route, name in all_routes():
        if exempt_group(route) is None:
            assert name, f"page route {route!r} has no name, so it cannot have a row in the matrix"
            names.add(name)
    return names


def test_public_pages_are_pages_with_rows() -> None:
    # A public page (no sign-in) is declared so, and still has its row for every persona.
    assert set(MATRIX) >= PUBLIC_PAGES, sorted(PUBLIC_PAGES - set(MATRIX))


def test_every_page_url_has_a_row_and_every_row_a_url() -> None:
    collected = page_url_names()
    missing = collected - set(MATRIX)
    assert missing == set(), f"page URLs without a permission row: {sorted(missing)}"
    stale = set(MATRIX) - collected
    assert stale == set(), f"rows for page URLs that no longer exist (or are exempt): {sorted(stale)}"


def test_exemptions_are_still_needed_and_rows_are_complete() -> None:
    used = {exempt_group(route) for route, _ in all_routes()}
    assert set(EXEMPT) <= used, f"exempt groups with no URL left: {sorted(set(EXEMPT) - used)}"
    for name, checks in MATRIX.items():
        assert checks, name
        assert len({check.label for check in checks}) == len(checks), f"{name}: labels must differ"
        for check in checks:
            assert set(check.expect) == set(PERSONAS), (name, check.label)
            assert check.method in ("get", "post"), (name, check.label)


# --- requests ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[Cast, World]]:
    with module_transaction(django_db_blocker):
        cast = build_cast()
        world = World(cast, deploy_test_diagram)
        for prepare in PREPARERS:
            prepare(world)
        world.keep()
        yield cast, world


@pytest.fixture
def cast(shared: tuple[Cast, World], db: None) -> Cast:
    # What a previous test's service calls remembered about a persona (open-task counts, say)
    # went with its rollback.
    for user in shared[0].by_name().values():
        request_cache.forget(user)
    return shared[0]


@pytest.fixture
def world(shared: tuple[Cast, World], db: None, monkeypatch: Any) -> World:
    built = shared[1]
    built.reset()
    # The service_step diagram names this handler; monkeypatch restores any earlier registration.
    monkeypatch.setitem(registry._registry.handlers, "test_record", built.record_handler)
    return built


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # CSRF checks are off in the test client
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def outcome(response: HttpResponse) -> int | str:
    """The status, except that a redirect to the sign-in page reads LOGIN."""
    if response.status_code == 302 and urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL):
        return LOGIN
    return response.status_code


def snapshot() -> tuple[int, list[int]]:
    """What a refused request must leave alone: the audit trail (every engine write lands there in
    the same transaction) and the saved filters (which are not audited)."""
    return AuditEvent.objects.count(), sorted(SavedFilter.objects.values_list("pk", flat=True))


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    """The test client's response (an HttpResponse that also carries `wsgi_request`)."""
    return getattr(client, method)(url, body)


CHECKS = [
    pytest.param(name, index, id=f"{name}-{check.label}")
    for name, checks in MATRIX.items()
    for index, check in enumerate(checks)
]


# A Django superuser with no role is walked too and must get exactly what the stranger (signed
# in, no role) gets: superuser status grants no work permission (casemgmt/org/work_permissions.py).
# The Django admin site is exempt above and tested in tests/test_superuser_permissions.py.
AS_STRANGER = {"superuser": "stranger"}


@pytest.mark.parametrize(("name", "index"), CHECKS)
@pytest.mark.parametrize("persona", [*PERSONAS, *AS_STRANGER])
def test_page_permission_matrix(name: str, index: int, persona: str, world: World, cast: Cast) -> None:
    check = MATRIX[name][index]
    if check.setup is not None:
        check.setup(world)
    client = client_for(None if persona == "anonymous" else getattr(cast, persona))
    url = reverse(name, kwargs=check.kwargs(world))  # may build objects, so before the snapshot
    before = snapshot()
    response = send(client, check.method, url, check.body_for(world))
    expected = check.expect[AS_STRANGER.get(persona, persona)]
    assert outcome(response) == expected, (name, check.label, persona, response.status_code)
    if expected == 302:
        # A form post that worked, not a refusal turned into a redirect with an error message.
        errors = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        assert errors == [], (name, check.label, persona, [str(m) for m in errors])
    elif expected != 200:
        assert snapshot() == before, (name, check.label, persona, "a refused request changed data")


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(set(MATRIX) - PUBLIC_PAGES))
def test_anonymous_never_gets_a_page(name: str, method: str, world: World) -> None:
    # Every view behind a page URL, whatever the method: the sign-in page, or a plain refusal.
    first = MATRIX[name][0]
    response = send(
        client_for(None), method, reverse(name, kwargs=first.kwargs(world)), first.body_for(world)
    )
    assert response.status_code != 200
    assert outcome(response) in (LOGIN, 403, 405), (name, method, response.status_code)
