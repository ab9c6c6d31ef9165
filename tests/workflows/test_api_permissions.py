"""Every API endpoint × every role: allowed, forbidden, or not found for other areas' objects.

The endpoint list is generated from the URL configuration, so an endpoint added without a row
here fails the suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.verify import verify_chain
from core import request_cache
from tests.conftest import deploy_test_diagram
from tests.matrix import API_ROWS
from tests.module_world import module_transaction
from tests.personas import OPERATOR_A, Cast, build_cast
from workflows import instances
from workflows.models import HumanTask

from .api_matrix_support import PERSONAS, VISIBLE, Row, World, by_visibility, everyone_authenticated, url

# CI's second pass leaves the matrices out (.ci/run): they judge the rules, which no database or
# broker difference changes; pass 1 runs them.
pytestmark = pytest.mark.matrix

CASE = lambda w: w.case.pk  # noqa: E731
TASK = lambda w: w.task.pk  # noqa: E731
REASON = lambda w: {"reason": "测试"}  # noqa: E731
ADMIN_ONLY_ON_CASE = {"admin": 200, "auditor": 403, "reviewer": 403, "office_a": 403, "operator_a": 403}
# Suspend, resume and terminate (workflows.operate_instance): the case's own operator and office
# as well as process admins; the district reviewer and the auditor see the case but may not move it.
OPERATORS_ON_CASE = {"admin": 200, "auditor": 403, "reviewer": 403, "office_a": 200, "operator_a": 200}
SENDERS = ("admin", "reviewer", "office_a", "office_b", "operator_a", "operator_b")
ONLY_OPERATOR_A = {"admin": 403, "auditor": 403, "reviewer": 403, "office_a": 403, "operator_a": 200}

MATRIX: dict[str, Row] = {
    # Obtaining a token is how a client logs in: wrong credentials are a 400 for everyone.
    "api-token": Row(
        "post",
        url("api-token"),
        lambda w: {"username": "x", "password": "y"},
        {p: 400 for p in PERSONAS},
        400,
    ),
    "api-schema": Row("get", url("api-schema"), None, everyone_authenticated(200), 403),
    "api-docs": Row("get", url("api-docs"), None, everyone_authenticated(200), 403),
    "process-model-list": Row("get", url("process-model-list"), None, everyone_authenticated(200), 403),
    "process-model-detail": Row(
        "get", url("process-model-detail", key="approval"), None, everyone_authenticated(200), 403
    ),
    "process-model-version": Row(
        "get", url("process-model-version", key="approval", number=1), None, everyone_authenticated(200), 403
    ),
    "process-model-deploy": Row(
        "post",
        url("process-model-deploy"),
        lambda w: {"files": w.case.version.files, "model_key": "approval", "validate_only": True},
        {"admin": 200},
        403,
    ),
    # The editor's draft: process admins only; starting it answers 201 with the draft.
    "process-model-draft": Row("post", url("process-model-draft", key="approval"), None, {"admin": 201}, 403),
    # Submitting needs a draft (the world has none); a change that does not exist is a 404 for admins.
    "process-model-draft-submit": Row(
        "post",
        url("process-model-draft-submit", key="approval"),
        lambda w: {"revision": 1, "note": "改"},
        {"admin": 404},
        403,
    ),
    "process-model-draft-decision-try": Row(
        "post",
        url("process-model-draft-decision-try", key="approval"),
        lambda w: {"decision": "score_band"},
        {"admin": 404},
        403,
    ),
    "model-change-detail": Row(
        "get", url("model-change-detail", pk=lambda w: 999999), None, {"admin": 404}, 403
    ),
    "model-change-decide": Row(
        "post",
        url("model-change-decide", pk=lambda w: 999999),
        lambda w: {"approved": True},
        {"admin": 404},
        403,
    ),
    "instance-list": Row("get", url("instance-list"), None, everyone_authenticated(200), 403),
    "instance-detail": Row(
        "get", url("instance-detail", pk=CASE), None, by_visibility({p: 200 for p in VISIBLE}), 403
    ),
    "instance-suspend": Row(
        "post", url("instance-suspend", pk=CASE), REASON, by_visibility(OPERATORS_ON_CASE), 403
    ),
    "instance-resume": Row(
        "post",
        url("instance-resume", pk=CASE),
        REASON,
        by_visibility({**OPERATORS_ON_CASE, "admin": 409, "office_a": 409, "operator_a": 409}),
        403,
    ),
    "instance-terminate": Row(
        "post", url("instance-terminate", pk=CASE), REASON, by_visibility(OPERATORS_ON_CASE), 403
    ),
    "instance-retry": Row(
        "post",
        url("instance-retry", pk=CASE),
        REASON,
        by_visibility({**ADMIN_ONLY_ON_CASE, "admin": 409}),
        403,
    ),
    # Only process admins migrate; with no newer version deployed, theirs is a 400 (same version).
    "instance-migrate": Row(
        "post",
        url("instance-migrate", pk=CASE),
        REASON,
        by_visibility({**ADMIN_ONLY_ON_CASE, "admin": 400}),
        403,
    ),
    "task-list": Row("get", url("task-list"), None, everyone_authenticated(200), 403),
    "task-detail": Row(
        "get", url("task-detail", pk=TASK), None, by_visibility({p: 200 for p in VISIBLE}), 403
    ),
    "task-claim": Row("post", url("task-claim", pk=TASK), None, by_visibility(ONLY_OPERATOR_A), 403),
    "task-unclaim": Row(
        "post", url("task-unclaim", pk=TASK), None, by_visibility({**ONLY_OPERATOR_A, "operator_a": 409}), 403
    ),
    "task-assign": Row(
        "post",
        url("task-assign", pk=TASK),
        lambda w: {"assignee": "operator_a", "reason": "轮岗"},
        by_visibility({**ONLY_OPERATOR_A, "admin": 200}),
        403,
    ),
    "task-complete": Row(
        "post",
        url("task-complete", pk=TASK),
        lambda w: {"data": {"title": "校准", "amount": 1}},
        by_visibility(ONLY_OPERATOR_A),
        403,
    ),
    # Senders are staff who work cases and process admins; nobody waits for this one, so theirs is
    # the 404 naming the keys (a match out of their reach is a 404 too: tests/workflows/test_messages.py).
    "message-send": Row(
        "post",
        url("message-send"),
        lambda w: {"name": "无人等待", "message_id": "m-1", "correlation": {"case_no": "SQ-1"}},
        {p: 404 for p in SENDERS},
        403,
    ),
    "signal-send": Row(
        "post",
        url("signal-send"),
        lambda w: {"name": "政策调整", "message_id": "s-1"},
        {p: 202 for p in SENDERS},
        403,
    ),
    "audit-event-list": Row("get", url("audit-event-list"), None, {"admin": 200, "auditor": 200}, 403),
    "audit-chain-verification": Row(
        "get", url("audit-chain-verification"), None, {"admin": 200, "auditor": 200}, 403
    ),
}
# Each area's endpoints have their rows in tests/matrix/<area>.py.
assert not set(MATRIX) & set(API_ROWS), sorted(set(MATRIX) & set(API_ROWS))
MATRIX.update(API_ROWS)


def api_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                assert pattern.name, f"API route {route} has no name, so it cannot be in the matrix"
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_api_endpoint_is_in_the_matrix() -> None:
    missing = api_url_names() - set(MATRIX)
    assert not missing, f"endpoints without a permission row: {sorted(missing)}"
    stale = set(MATRIX) - api_url_names()
    assert not stale, f"matrix rows for endpoints that no longer exist: {sorted(stale)}"


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[Cast, World]]:
    with module_transaction(django_db_blocker):
        cast = build_cast()
        deploy_test_diagram("approval")
        case = instances.start_instance(
            "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="SQ-1", subject="计量"
        )
        verify_chain()
        yield cast, World(case=case, task=case.human_tasks.get(status=HumanTask.Status.OPEN))


@pytest.fixture
def cast(shared: tuple[Cast, World], db: None) -> Cast:
    for user in shared[0].by_name().values():
        request_cache.forget(user)  # what an earlier test's service calls remembered
    return shared[0]


@pytest.fixture
def world(shared: tuple[Cast, World], db: None) -> World:
    shared[1].reset()
    return shared[1]


# The rows name the personas of tests/personas.py; a Django superuser with no role is walked too
# and must get exactly what the stranger (signed in, no role) gets: superuser status grants no
# work permission (casemgmt/org/work_permissions.py).
AS_STRANGER = {"superuser": "stranger"}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("persona", [*PERSONAS, *AS_STRANGER])
def test_permission_matrix(endpoint: str, persona: str, world: World, cast: Cast, api: Any) -> None:
    row = MATRIX[endpoint]
    client = api(None if persona == "anonymous" else getattr(cast, persona))
    body = row.body(world) if row.body else None
    response = getattr(client, row.method)(row.url(world), body, format="json")
    expected = row.expect.get(AS_STRANGER.get(persona, persona), row.default)
    assert response.status_code == expected, (endpoint, persona, response.status_code, response.content[:300])
    if expected >= 400 and response["Content-Type"].startswith("application/json"):
        payload = response.json()
        assert {"code", "message", "message_en", "fields"} <= set(payload), payload


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("admin", 1),
        ("auditor", 1),
        ("reviewer", 1),
        ("office_a", 1),
        ("operator_a", 1),
        ("office_b", 0),
        ("operator_b", 0),
        ("enterprise_a", 0),
        ("stranger", 0),
        ("superuser", 0),
    ],
)
def test_lists_are_scoped_to_the_area(persona: str, visible: int, world: World, cast: Cast, api: Any) -> None:
    client = api(getattr(cast, persona))
    assert client.get(reverse("instance-list")).json()["count"] == visible


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("operator_a", 201),
        ("office_a", 201),
        ("reviewer", 201),
        ("admin", 201),
        ("office_b", 403),
        ("operator_b", 403),
        ("enterprise_a", 403),
        ("auditor", 403),
        ("stranger", 403),
        ("superuser", 403),
    ],
)
def test_starting_an_instance_by_role(persona: str, status: int, world: World, cast: Cast, api: Any) -> None:
    client = api(getattr(cast, persona))
    response = client.post(
        reverse("instance-list"), {"model": "approval", "org_unit": OPERATOR_A}, format="json"
    )
    assert response.status_code == status, response.content[:300]
