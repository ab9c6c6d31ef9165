"""The REST API as a client uses it: deploy, start, inbox, claim, complete; errors in one format."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import BPMN_DIR
from tests.factories import TEST_PASSWORD
from tests.personas import OPERATOR_A, Cast
from workflows.deploy import bundle_for
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(cast: Cast, api: Any, deploy_fixture: Callable[[str], Any]) -> list[int]:
    deploy_fixture("approval")
    client = api(cast.operator_a)
    ids = []
    for n in range(3):
        response = client.post(
            reverse("instance-list"),
            {"model": "approval", "org_unit": OPERATOR_A, "business_key": f"SQ-{n}", "subject": f"申请{n}"},
            format="json",
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    return ids


def test_upload_validate_only_then_deploy(cast: Cast, api: Any) -> None:
    client = api(cast.admin)
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    checked = client.post(
        reverse("process-model-deploy"), {"files": files, "validate_only": True}, format="json"
    )
    assert checked.status_code == 200 and checked.json()["valid"] is True
    assert not ProcessModelVersion.objects.exists()
    deployed = client.post(reverse("process-model-deploy"), {"files": files, "name": "审批"}, format="json")
    assert deployed.status_code == 201 and deployed.json()["version"]["number"] == 1
    again = client.post(reverse("process-model-deploy"), {"files": files}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False
    listed = client.get(reverse("process-model-list")).json()["results"]
    assert listed == [
        {
            "key": "approval",
            "name": "审批",
            "created_at": listed[0]["created_at"],
            "enabled": True,
            "latest_version": 1,
        }
    ]
    version = client.get(reverse("process-model-version", kwargs={"key": "approval", "number": 1})).json()
    assert set(version["files"]) == set(files)


def test_invalid_upload_lists_every_problem(cast: Cast, api: Any) -> None:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    files["approval.bpmn"] = files["approval.bpmn"].replace("approved == True", "__import__('os')")
    del files["submit.json"]
    response = api(cast.admin).post(reverse("process-model-deploy"), {"files": files}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "diagram_invalid"
    assert "流程图无法部署" in body["message"]
    problems = {(f["code"], f["element_id"]) for f in body["fields"]}
    assert problems == {("expression", "f_ok"), ("form_missing", "submit")}
    assert all(f["line"] for f in body["fields"])
    assert not ProcessModelVersion.objects.exists()


def test_upload_with_no_files_is_a_field_error(cast: Cast, api: Any) -> None:
    response = api(cast.admin).post(reverse("process-model-deploy"), {"files": {}}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == "files"


def test_inbox_views_filters_and_paging(started: list[int], cast: Cast, api: Any) -> None:
    client = api(cast.operator_a)
    inbox = client.get(reverse("task-list"), {"limit": 2}).json()
    assert inbox["count"] == 3 and len(inbox["results"]) == 2 and inbox["next"]
    first = inbox["results"][0]
    assert first["title"] == "提交申请" and first["process"] == "approval" and first["overdue"] is False
    assert client.get(reverse("task-list"), {"view": "mine"}).json()["count"] == 0
    assert client.post(reverse("task-claim", kwargs={"pk": first["id"]})).status_code == 200
    assert client.get(reverse("task-list"), {"view": "mine"}).json()["count"] == 1
    assert client.get(reverse("task-list"), {"view": "claimable"}).json()["count"] == 2
    assert client.get(reverse("task-list"), {"q": "SQ-1"}).json()["count"] == 1
    assert client.get(reverse("task-list"), {"process": "nope"}).json()["count"] == 0
    assert client.get(reverse("task-list"), {"view": "overdue"}).json()["count"] == 0
    assert api(cast.office_a).get(reverse("task-list")).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"view": "everything"}, "view"),
        ({"due_before": "yesterday"}, "due_before"),
        ({"instance": "x"}, "instance"),
    ],
)
def test_bad_inbox_filters_are_field_errors(
    started: list[int], cast: Cast, api: Any, params: dict, field: str
) -> None:
    response = api(cast.operator_a).get(reverse("task-list"), params)
    assert response.status_code == 400
    assert response.json()["fields"][0]["field"] == field


def test_complete_with_errors_then_correctly(started: list[int], cast: Cast, api: Any) -> None:
    client = api(cast.operator_a)
    task_id = client.get(reverse("task-list"), {"instance": started[0]}).json()["results"][0]["id"]
    detail = client.get(reverse("task-detail", kwargs={"pk": task_id})).json()
    assert detail["form_schema"]["required"] == ["title", "amount"]
    bad = client.post(
        reverse("task-complete", kwargs={"pk": task_id}), {"data": {"amount": -1}}, format="json"
    )
    assert bad.status_code == 400
    fields = {f["field"]: f for f in bad.json()["fields"]}
    assert set(fields) == {"title", "amount"}
    assert fields["amount"]["code"] == "minimum" and fields["title"]["message"] == "必填项未填写"
    good = client.post(
        reverse("task-complete", kwargs={"pk": task_id}),
        {"data": {"title": "校准", "amount": 2}},
        format="json",
    )
    assert good.status_code == 200 and good.json()["status"] == "completed"
    twice = client.post(
        reverse("task-complete", kwargs={"pk": task_id}),
        {"data": {"title": "校准", "amount": 2}},
        format="json",
    )
    assert twice.status_code == 409 and twice.json()["code"] == "closed"


def test_claim_race_loser_gets_409(started: list[int], cast: Cast, api: Any) -> None:
    client = api(cast.operator_a)
    task_id = client.get(reverse("task-list")).json()["results"][0]["id"]
    HumanTask.objects.filter(pk=task_id).update(assignee=cast.admin)
    response = client.post(reverse("task-claim", kwargs={"pk": task_id}))
    assert response.status_code == 409
    assert response.json() == {
        "code": "taken",
        "message": "该任务已被他人认领。",
        "message_en": "The task has already been claimed by someone else.",
        "fields": [],
    }


def test_instance_detail_has_tasks_events_and_variables(started: list[int], cast: Cast, api: Any) -> None:
    detail = api(cast.office_a).get(reverse("instance-detail", kwargs={"pk": started[0]})).json()
    assert detail["business_key"] == "SQ-0" and detail["status"] == "running"
    assert [t["task_spec"] for t in detail["open_tasks"]] == ["submit"]
    assert [e["action"] for e in detail["audit_events"]] == ["instance.started", "task.created"]
    assert detail["variables"] == {}


def test_instance_filters(started: list[int], cast: Cast, api: Any) -> None:
    client = api(cast.admin)
    assert client.get(reverse("instance-list"), {"status": "running"}).json()["count"] == 3
    assert client.get(reverse("instance-list"), {"business_key": "SQ-2"}).json()["count"] == 1
    assert client.get(reverse("instance-list"), {"model": "approval", "version": 1}).json()["count"] == 3
    bad = client.get(reverse("instance-list"), {"status": "sleeping"})
    assert bad.status_code == 400 and bad.json()["fields"][0]["field"] == "status"


def test_admin_actions_over_the_api(started: list[int], cast: Cast, api: Any) -> None:
    client = api(cast.admin)
    suspend = reverse("instance-suspend", kwargs={"pk": started[0]})
    missing_reason = client.post(suspend, {}, format="json")
    assert missing_reason.status_code == 400 and missing_reason.json()["fields"][0]["field"] == "reason"
    assert client.post(suspend, {"reason": "暂停"}, format="json").json()["status"] == "suspended"
    resume = reverse("instance-resume", kwargs={"pk": started[0]})
    assert client.post(resume, {"reason": "继续"}, format="json").json()["status"] == "running"
    assert ProcessInstance.objects.get(pk=started[0]).row_version == 4


def test_start_with_unknown_model_is_404(cast: Cast, api: Any, deploy_fixture: Callable[[str], Any]) -> None:
    response = api(cast.operator_a).post(
        reverse("instance-list"), {"model": "nope", "org_unit": OPERATOR_A}, format="json"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("org_unit", ["", "no-such-unit"])
def test_start_with_unknown_org_unit_is_a_field_error(
    cast: Cast, api: Any, deploy_fixture: Callable[[str], Any], org_unit: str
) -> None:
    deploy_fixture("approval")
    response = api(cast.admin).post(
        reverse("instance-list"), {"model": "approval", "org_unit": org_unit}, format="json"
    )
    assert response.status_code == 400 and response.json()["fields"][0]["field"] == "org_unit"
    assert not ProcessInstance.objects.exists()


def test_token_authentication(started: list[int], cast: Cast) -> None:
    client = APIClient()
    issued = client.post(
        reverse("api-token"), {"username": "operator_a", "password": TEST_PASSWORD}, format="json"
    )
    assert issued.status_code == 200
    token = Token.objects.get(key=issued.json()["token"])
    assert token.user == cast.operator_a
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("task-list")).json()["count"] == 3


def test_inbox_query_count_does_not_grow_with_page_size(
    started: list[int], cast: Cast, api: Any, django_assert_max_num_queries: Any
) -> None:
    client = api(cast.operator_a)
    for limit in (1, 3):
        with django_assert_max_num_queries(4):
            assert client.get(reverse("task-list"), {"limit": limit}).status_code == 200


def _as_documented(row: dict[str, Any]) -> dict[str, Any]:
    """A list row with its times as instants: the list spells them in UTC, the serializer in
    the site's time zone."""
    return {k: datetime.fromisoformat(v) if k.endswith("_at") and v else v for k, v in row.items()}


@pytest.mark.parametrize("view", ["inbox", "claimable", "mine", "overdue", "completed"])
def test_list_rows_match_the_documented_serializer(
    view: str, started: list[int], cast: Cast, api: Any
) -> None:
    from workflows.api.serializers import TaskSerializer

    client = api(cast.operator_a)
    first, second, _ = HumanTask.objects.filter(instance_id__in=started).order_by("pk")
    assert client.post(reverse("task-claim", kwargs={"pk": first.pk})).status_code == 200
    HumanTask.objects.filter(pk=first.pk).update(due_at=timezone.now() - timedelta(days=2))
    done = client.post(
        reverse("task-complete", kwargs={"pk": second.pk}),
        {"data": {"title": "计量校准", "amount": 3}},
        format="json",
    )
    assert done.status_code == 200, done.content
    rows = client.get(reverse("task-list"), {"view": view}).json()["results"]
    assert rows, f"the {view} view lists nothing to compare"
    for row in rows:
        documented = TaskSerializer(HumanTask.objects.get(pk=row["id"])).data
        assert list(row) == list(documented)
        assert _as_documented(row) == _as_documented(documented)
    if view in ("mine", "overdue"):
        assert rows[0]["assignee"] == cast.operator_a.username and rows[0]["overdue"] is True
    if view == "completed":
        assert rows[0]["completed_by"] == cast.operator_a.username and rows[0]["completed_at"]


# --- paging, filters and the schema (issue 13: every 500, the schema's mismatches) ----------------


@pytest.mark.parametrize(
    ("url", "params", "field", "code"),
    [
        ("task-list", {"offset": "9223372036854775800"}, "offset", "out_of_range"),
        ("task-list", {"limit": "abc"}, "limit", "not_an_integer"),
        ("task-list", {"limit": "0"}, "limit", "out_of_range"),
        ("task-list", {"limit": "201"}, "limit", "out_of_range"),
        ("task-list", {"offset": "-1"}, "offset", "out_of_range"),
        ("task-list", {"instance": "99999999999999999999"}, "instance", "out_of_range"),
        ("task-list", {"view": "everything"}, "view", "invalid_choice"),
        ("instance-list", {"limit": "abc"}, "limit", "not_an_integer"),
        ("instance-list", {"offset": "9223372036854775800"}, "offset", "out_of_range"),
        ("instance-list", {"status": "bogus"}, "status", "invalid_choice"),
        ("instance-list", {"started_after": "2025-13-45T00:00:00"}, "started_after", "invalid"),
        ("cases-api-list", {"stage": "closd"}, "stage", "invalid_choice"),
        ("cases-api-list", {"since": "yesterday"}, "since", "invalid_date"),
        ("registry-api-institutions", {"kind": "bakery"}, "kind", "invalid_choice"),
        ("process-model-list", {"limit": "-5"}, "limit", "out_of_range"),
    ],
)
def test_bad_paging_and_filter_values_are_400_not_ignored_or_500(
    started: list[int], cast: Cast, api: Any, url: str, params: dict[str, str], field: str, code: str
) -> None:
    response = api(cast.operator_a).get(reverse(url), params)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert {"code", "message", "message_en", "fields"} <= set(body)
    assert [(f["field"], f["code"]) for f in body["fields"]] == [(field, code)]
    assert body["fields"][0]["message"] != body["fields"][0]["message_en"]


def test_paging_within_bounds_still_pages(started: list[int], cast: Cast, api: Any) -> None:
    client = api(cast.operator_a)
    page = client.get(reverse("instance-list"), {"limit": 2, "offset": 1}).json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert client.get(reverse("task-list"), {"limit": 200, "offset": 1_000_000_000}).json()["results"] == []
    # An offset PostgreSQL refuses (beyond ±15:59) names a valid instant all the same.
    odd_offset = client.get(reverse("instance-list"), {"started_before": "0774-01-25T15:49:13-22:19"})
    assert odd_offset.status_code == 200 and odd_offset.json()["count"] == 0


def test_drf_messages_are_english_in_message_en_and_chinese_in_message(cast: Cast, api: Any) -> None:
    for language in ("zh-hans", "en"):
        client = api(cast.operator_a)
        response = client.post(reverse("instance-list"), {}, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        (field,) = response.json()["fields"]
        assert field == {
            "field": "model",
            "code": "required",
            "message": "该字段是必填项。",
            "message_en": "This field is required.",
        }
        anonymous = APIClient().get(reverse("task-list"), HTTP_ACCEPT_LANGUAGE=language).json()
        assert anonymous["message_en"] == "Authentication credentials were not provided."
        assert anonymous["message"] == "未登录或登录已过期。"
        wrong_method = client.put(
            reverse("task-list"), {}, format="json", HTTP_ACCEPT_LANGUAGE=language
        ).json()
        assert wrong_method["message_en"] == 'Method "PUT" not allowed.'


def test_parameterised_drf_messages_keep_their_values_in_both_languages(cast: Cast, api: Any) -> None:
    response = api(cast.operator_a).post(
        reverse("instance-list"), {"model": "approval", "subject": "x" * 301}, format="json"
    )
    (field,) = response.json()["fields"]
    assert field["field"] == "subject" and field["code"] == "max_length"
    assert field["message_en"] == "Ensure this field has no more than 300 characters."
    assert "300" in field["message"] and field["message"] != field["message_en"]


def test_errors_are_json_even_where_the_view_renders_yaml(cast: Cast) -> None:
    response = APIClient().get(reverse("api-schema"))
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_authenticated"


def test_schema_matches_the_answers(cast: Cast, api: Any) -> None:
    schema = api(cast.admin).get(reverse("api-schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]
    # Two serializers named StartSerializer (instances, promotion) no longer share "Start".
    assert "InstanceStart" in components
    start_body = schema["paths"]["/api/instances/"]["post"]["requestBody"]["content"]["application/json"]
    assert start_body["schema"]["$ref"] == "#/components/schemas/InstanceStart"
    assert components["Instance"]["properties"]["started_by"]["nullable"] is True
    assert components["Task"]["properties"]["assignee"]["nullable"] is True

    def ok(path: str, method: str = "get") -> dict[str, Any]:
        answer: dict[str, Any] = schema["paths"][path][method]["responses"]["200"]
        return answer["content"]["application/json"]["schema"]

    assert ok("/api/process-models/{key}/") == {"$ref": "#/components/schemas/ProcessModelVersions"}
    assert ok("/api/tasks/") == {"$ref": "#/components/schemas/TaskPage"}
    assert set(components["TaskPage"]["properties"]) == {
        "count",
        "count_capped",
        "next",
        "previous",
        "results",
    }
    limit = next(p for p in schema["paths"]["/api/tasks/"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
