from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from audit.actions import Action
from audit.models import AuditEvent
from audit.verify import verify_chain
from tests.personas import Cast

MakeEvent = Callable[..., AuditEvent]
LIST_URL = "/api/audit-events/"
VERIFICATION_URL = "/api/audit-events/verification/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(api_client: APIClient, cast: Cast) -> APIClient:
    # The auditor role, not a superuser: superuser status grants no permission of the rules.
    api_client.force_authenticate(cast.auditor)
    return api_client


def test_superuser_without_the_auditor_role_is_forbidden(
    api_client: APIClient, superuser: AbstractUser
) -> None:
    api_client.force_authenticate(superuser)
    assert api_client.get(LIST_URL).status_code == 403


@pytest.fixture
def events(make_event: MakeEvent, plain_user: AbstractUser) -> list[AuditEvent]:
    return [
        make_event(Action.INSTANCE_STARTED, actor=plain_user, target_type="instance", target_id="5",
                   instance_id=5, business_key="NQI-2025-001"),
        make_event(Action.TASK_CLAIMED, actor=plain_user, target_id="11", instance_id=5,
                   business_key="NQI-2025-001"),
        make_event(Action.TASK_COMPLETED, target_id="12", instance_id=6, business_key="NQI-2025-002",
                   after={"decision": "通过"}),
    ]  # fmt: skip


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_lists_newest_first_with_labels(auditor_client: APIClient, events: list[AuditEvent]) -> None:
    response = auditor_client.get(LIST_URL)
    body = response.json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [e.id for e in reversed(events)]
    newest = body["results"][0]
    assert newest["action"] == "task.completed"
    assert newest["action_label"] == "任务已完成"
    assert newest["after"] == {"decision": "通过"}
    assert newest["hash"] == events[2].hash


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "clerk"}, [1, 0]),
        ({"action": "task.claimed"}, [1]),
        ({"target_type": "instance", "target_id": "5"}, [0]),
        ({"business_key": "NQI-2025-001"}, [1, 0]),
        ({"instance": "6"}, [2]),
        ({"actor": "", "action": ""}, [2, 1, 0]),
    ],
)
def test_filters(
    auditor_client: APIClient, events: list[AuditEvent], params: dict[str, str], expected: list[int]
) -> None:
    assert _ids(auditor_client.get(LIST_URL, params)) == [events[i].id for i in expected]


def test_time_window(auditor_client: APIClient, events: list[AuditEvent]) -> None:
    second = events[1].occurred_at
    window = {"since": second.isoformat(), "until": (second + timedelta(microseconds=1)).isoformat()}
    assert _ids(auditor_client.get(LIST_URL, window)) == [events[1].id]
    later = (events[2].occurred_at + timedelta(seconds=1)).isoformat()
    assert _ids(auditor_client.get(LIST_URL, {"since": later})) == []
    # Without an offset the time is Shanghai time: 8 hours ahead of UTC.
    local = (events[0].occurred_at + timedelta(hours=8, seconds=-1)).replace(tzinfo=None).isoformat()
    assert len(_ids(auditor_client.get(LIST_URL, {"since": local}))) == 3


def test_pagination(auditor_client: APIClient, events: list[AuditEvent]) -> None:
    body = auditor_client.get(LIST_URL, {"limit": 1, "offset": 1}).json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [events[1].id]


@pytest.mark.parametrize(
    ("params", "bad_fields"),
    [
        ({"action": "task.exploded"}, {"action"}),
        ({"instance": "abc"}, {"instance"}),
        ({"instance": "0"}, {"instance"}),
        ({"since": "yesterday"}, {"since"}),
        ({"until": "2025-13-01T00:00:00"}, {"until"}),
        ({"since": "2025-02-01T00:00:00+08:00", "until": "2025-01-01T00:00:00+08:00"}, {"until"}),
        ({"since": "nope", "instance": "-1", "action": "x"}, {"since", "instance", "action"}),
    ],
)
def test_bad_filters_are_400_with_field_errors(
    auditor_client: APIClient, params: dict[str, str], bad_fields: set[str]
) -> None:
    response = auditor_client.get(LIST_URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {error["field"] for error in body["fields"]} == bad_fields
    assert all(error["message"] and error["message_en"] for error in body["fields"])


def test_plain_user_is_forbidden(api_client: APIClient, plain_user: AbstractUser) -> None:
    api_client.force_authenticate(plain_user)
    assert api_client.get(LIST_URL).status_code == 403
    assert api_client.get(VERIFICATION_URL).status_code == 403


def test_anonymous_is_refused(api_client: APIClient) -> None:
    assert api_client.get(LIST_URL).status_code in (401, 403)
    assert api_client.get(VERIFICATION_URL).status_code in (401, 403)


def test_forbidden_user_does_not_get_filter_errors(api_client: APIClient, plain_user: AbstractUser) -> None:
    # Permission is decided before the query string is even looked at.
    api_client.force_authenticate(plain_user)
    assert api_client.get(LIST_URL, {"since": "nope"}).status_code == 403


def test_verification_before_any_run_is_404(auditor_client: APIClient) -> None:
    response = auditor_client.get(VERIFICATION_URL)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_verification_returns_the_latest_run(auditor_client: APIClient, events: list[AuditEvent]) -> None:
    verify_chain()
    latest = verify_chain()
    body = auditor_client.get(VERIFICATION_URL).json()
    assert body["ok"] is True
    assert body["events_checked"] == 3
    assert body["broken_count"] == 0
    assert body["broken_event_ids"] == []
    assert body["last_event_id"] == events[-1].id
    assert parse_datetime(body["checked_at"]) == latest.checked_at


def test_schema_documents_the_filters(auditor_client: APIClient) -> None:
    response = auditor_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"][LIST_URL]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {
        "actor",
        "action",
        "target_type",
        "target_id",
        "business_key",
        "instance",
        "since",
        "until",
    } <= names
