"""Hostile input never makes a 5xx: every URL pattern × every hostile input, anonymous and staff.

The URL list is the URLconf itself (tests/edge_support.py), so a new URL is walked too. NUL bytes,
lone surrogates, deep JSON and oversize bodies are refused by the edge (core/http/edge.py) with a
400/413 in the API's error format on /api/ and for JSON bodies; huge paging values must be bounded
by the views themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.edge_support import HOSTILE, endpoints
from tests.personas import OPERATOR_A, Cast
from workflows import instances
from workflows.models import HumanTask

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "message_en", "fields"}


@pytest.fixture
def ids(cast: Cast, deploy_fixture: Callable[[str], Any]) -> dict[str, int]:
    deploy_fixture("approval")
    case = instances.start_instance(
        "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="SQ-1", subject="计量"
    )
    return {"instance": case.pk, "task": case.human_tasks.get(status=HumanTask.Status.OPEN).pk}


def test_every_url_pattern_has_a_concrete_url_that_resolves_to_it(ids: dict[str, int]) -> None:
    unresolved = []
    for endpoint in endpoints(ids):
        try:
            match = resolve(endpoint.url)
        except Resolver404:
            unresolved.append(endpoint)
            continue
        # The admin's catch-all pattern matches anything; regex routes lose their "^" when joined.
        if match.route != endpoint.route.replace("^", "") and not endpoint.route.endswith("(?P<url>.*)$"):
            unresolved.append(endpoint)
    assert unresolved == []


def _client(persona: str, cast: Cast) -> Client:
    client = Client()
    if persona == "staff":
        # The process admin, also a Django superuser: every page and admin view lets them in.
        cast.admin.is_staff = cast.admin.is_superuser = True
        cast.admin.save(update_fields=["is_staff", "is_superuser"])
        client.force_login(cast.admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("persona", ["anonymous", "staff"])
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_input_never_makes_a_server_error(
    kind: str, persona: str, cast: Cast, ids: dict[str, int]
) -> None:
    send, edge_statuses = HOSTILE[kind]
    client = _client(persona, cast)
    problems: list[tuple[str, int, str]] = []
    for endpoint in endpoints(ids):
        response = send(client, endpoint.url)
        status = response.status_code
        if status >= 500:
            problems.append((endpoint.url, status, "server error"))
            continue
        if edge_statuses is not None and status not in edge_statuses:
            problems.append((endpoint.url, status, f"not refused at the edge (expected {edge_statuses})"))
            continue
        is_json = response.get("Content-Type", "").startswith("application/json")
        # The API, and any JSON body, gets the one error format.
        needs_format = status >= 400 and (endpoint.is_api or (edge_statuses is not None and "json" in kind))
        if needs_format and (not is_json or not set(response.json()) >= ERROR_KEYS):
            problems.append((endpoint.url, status, f"not the API's error format: {response.content[:120]!r}"))
    assert problems == [], f"{len(problems)} problems: {problems[:40]}"


# --- what the edge answers, class by class ------------------------------------------------------


def _api_error(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) >= ERROR_KEYS
    return body


def test_nul_in_a_public_query_is_the_bad_request_page_naming_the_parameter() -> None:
    response = Client().get("/directory/institutions/", {"q": "a\x00b"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-page"' in page and 'data-status="400"' in page
    assert "查询参数 q 有误：不能包含空字符（NUL）。" in page


def test_nul_in_an_api_filter_is_a_json_400_naming_the_parameter_in_both_languages(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    body = _api_error(client.get("/api/tasks/", {"process": "x", "q": "a\x00b"}))
    assert body["code"] == "invalid"
    assert body["message"] == "查询参数 q 有误：不能包含空字符（NUL）。"
    assert body["message_en"] == "Invalid query parameter q: must not contain NUL characters."
    assert body["fields"] == [
        {
            "field": "q",
            "code": "null_character",
            "message": "不能包含空字符（NUL）。",
            "message_en": "must not contain NUL characters.",
            "in": "query",
        }
    ]


def test_nul_in_a_form_field_is_refused_before_the_view(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/scorecard/new/", {"project": "fs", "period": "2025\x00"})
    assert response.status_code == 400
    assert "表单字段 period 有误" in response.content.decode()


def test_lone_surrogate_and_nul_in_task_data_are_refused_and_change_nothing(
    cast: Cast, ids: dict[str, int]
) -> None:
    client = Client()
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/api/tasks/{ids['task']}/complete/"
    body = _api_error(client.post(url, '{"data": {"title": "x\\ud800", "amount": 1}}', "application/json"))
    assert [(f["field"], f["code"], f["in"]) for f in body["fields"]] == [
        ("data.title", "invalid_unicode", "json")
    ]
    body = _api_error(client.post(url, '{"data": {"items": ["ok", "a\\u0000"]}}', "application/json"))
    assert [(f["field"], f["code"]) for f in body["fields"]] == [("data.items.1", "null_character")]
    assert HumanTask.objects.get(pk=ids["task"]).status == HumanTask.Status.OPEN


@pytest.mark.parametrize("url", ["/api/auth/token/", "/api/cases/intake/", "/api/instances/"])
def test_json_nested_a_thousand_deep_is_a_400_not_a_recursion_error(url: str, cast: Cast) -> None:
    client = Client()
    if url != "/api/auth/token/":  # the token endpoint is for anonymous clients
        client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    deep = '{"username": ' + "[" * 1000 + "]" * 1000 + "}"
    body = _api_error(client.post(url, deep, "application/json"))
    assert body["fields"][0]["code"] == "too_deep" and body["fields"][0]["limit"] == 32
    assert "32" in body["message"] and "32" in body["message_en"]


def test_oversize_body_is_413_in_the_api_format_with_the_limit(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = _api_error(
        Client().post("/api/auth/token/", '{"username": "' + "x" * 1000 + '"}', "application/json"), 413
    )
    assert body["code"] == "too_large"
    assert body["fields"][0]["limit"] == 1000 and "1000" in body["message_en"] and "1000" in body["message"]
    # A page gets the site's page with the same reason, status 413.
    page = Client().post("/public/intake/", "need=" + "x" * 1000, "application/x-www-form-urlencoded")
    assert page.status_code == 413 and "1000" in page.content.decode()


def test_too_many_form_fields_is_400_in_the_api_format(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = "&".join(f"f{i}=1" for i in range(11))
    body = _api_error(Client().post("/api/auth/token/", fields, "application/x-www-form-urlencoded"))
    assert body["code"] == "too_many_fields" and body["fields"][0]["limit"] == 10


def test_nul_in_the_session_cookie_is_a_400_not_a_database_error() -> None:
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    response = client.get("/inbox/")
    assert response.status_code == 400
    assert "Cookie sessionid" in response.content.decode()


def test_a_page_request_that_accepts_json_gets_the_json_error() -> None:
    response = Client().get("/directory/", {"q": "\x00"}, HTTP_ACCEPT="application/json")
    assert _api_error(response)["fields"][0]["field"] == "q"


def test_valid_bodies_pass_the_edge_untouched(cast: Cast, ids: dict[str, int]) -> None:
    # Brackets inside strings are text, not nesting; escaped quotes do not end a string.
    client = Client()
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    data = '{"data": {"title": "校准 \\" ' + "[{" * 40 + '", "amount": 2}}'
    response = client.post(f"/api/tasks/{ids['task']}/complete/", data, "application/json")
    assert response.status_code == 200, response.content[:300]
