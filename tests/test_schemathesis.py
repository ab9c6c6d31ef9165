"""The API against its own OpenAPI schema: generated requests as two roles, no 5xx, and every
documented response matches its schema (schemathesis' response_schema_conformance).

Bounded (EXAMPLES_PER_OPERATION generated requests per operation and role) so that it runs in the
normal suite in well under a minute.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.personas import OPERATOR_A, Cast
from workflows import instances

pytestmark = pytest.mark.django_db

# Generated requests per operation and role: ~60 operations × 2 roles × 5 ≈ 600 requests.
EXAMPLES_PER_OPERATION = 5


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The real WSGI application on the test's own database connection: Django closes
    connections around each request, which would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(cast: Cast) -> schemathesis.BaseSchema:
    client = APIClient()
    client.force_authenticate(cast.admin)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def _existing(path: str, ids: dict[str, int]) -> dict[str, Any]:
    """Path parameters naming the world's objects (the rest stay generated)."""
    values: dict[str, Any] = {"key": "approval", "number": 1, "id": 1}
    for prefix, name in (("/api/instances/", "instance"), ("/api/tasks/", "task")):
        if path.startswith(prefix):
            values["id"] = ids[name]
    return {name: value for name, value in values.items() if "{" + name + "}" in path}


@pytest.mark.parametrize("persona", ["operator_a", "enterprise_a"])
def test_generated_requests_get_no_5xx_and_documented_answers(
    persona: str,
    cast: Cast,
    deploy_fixture: Callable[[str], Any],
    api_schema: schemathesis.BaseSchema,
    wsgi_app: WSGIHandler,
) -> None:
    deploy_fixture("approval")
    case = instances.start_instance(
        "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="SQ-1", subject="计量"
    )
    # Started by the system (no starter): `started_by` is null in the answers.
    instances.start_instance("approval", actor=None, org_unit_code=OPERATOR_A, business_key="SQ-2")
    task = case.human_tasks.get()
    headers = {"Authorization": f"Token {Token.objects.create(user=getattr(cast, persona)).key}"}

    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # a broken schema fails here
        # Half the requests name objects that exist, so detail answers are checked too.
        known = _existing(operation.path, {"instance": case.pk, "task": task.pk})

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(operation.as_strategy(), operation.as_strategy(path_parameters=known)))
        def check(case: schemathesis.Case) -> None:
            # Each request in a savepoint rolled back afterwards: one request's writes (a revoked
            # token, a failed statement) never change what the next one meets.
            with transaction.atomic():
                response = case.call(app=wsgi_app, headers=headers)
                transaction.set_rollback(True)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # every operation's failure, then all at once
            failures.append(f"{operation.label}: {failure}"[:2000])
    assert failures == [], "\n\n".join(failures)
