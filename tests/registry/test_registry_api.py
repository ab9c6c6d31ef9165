"""Registry API writes: who may create and change stations and enterprises, and the error format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from casemgmt.models import Enterprise, ServiceStation
from tests.factories import make_institution, valid_uscc
from tests.personas import Cast
from tests.registry import world

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Any]


def test_station_create_by_editors_only(cast: Cast, api: Api) -> None:
    body = {
        "project": world.project_a().code,
        "name": "接口站",
        "address": "某路",
        "published_items": ["testing.3"],
    }
    url = reverse("registry-api-stations")
    assert api(cast.operator_b).post(url, body, format="json").status_code == 403
    assert api(cast.reviewer).post(url, body, format="json").status_code == 403
    assert not ServiceStation.objects.exists()
    created = api(cast.operator_a).post(url, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["published_item_details"][0]["key"] == "testing.3"
    missing = api(cast.operator_a).post(url, {**body, "project": "nope"}, format="json")
    assert missing.status_code == 404


def test_station_errors_use_the_one_format(cast: Cast, api: Api) -> None:
    station = world.station_a()
    url = reverse("registry-api-station", kwargs={"pk": station.pk})
    response = api(cast.office_a).patch(
        url, {"complaint_phone": "12", "published_items": ["x"]}, format="json"
    )
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "invalid" and {f["field"] for f in payload["fields"]} == {
        "complaint_phone",
        "published_items",
    }
    assert all(f["message"] and f["message_en"] for f in payload["fields"])
    ok = api(cast.office_a).patch(url, {"opening_hours": "全天"}, format="json")
    assert ok.status_code == 200 and ok.json()["opening_hours"] == "全天"
    assert api(cast.auditor).patch(url, {"opening_hours": "x"}, format="json").status_code == 403


def test_project_detail_lists_stations_and_naming(cast: Cast, api: Api) -> None:
    world.station_a()
    data = (
        api(cast.enterprise_a).get(reverse("registry-api-project", kwargs={"code": "reg-project-a"})).json()
    )
    assert data["operator"]["code"] == "operator-fs" and data["stations"][0]["name"] == "方松质量服务站"
    assert api(cast.reviewer).get(reverse("registry-api-project", kwargs={"code": "none"})).status_code == 404


def test_enterprise_create_then_update_then_scope(cast: Cast, api: Api) -> None:
    url = reverse("registry-api-enterprises")
    code = valid_uscc(777)
    body = {
        "credit_code": code.lower(),
        "name": "接口企业",
        "phone": "13900139000",
        "division_code": "div-fs",
    }
    world.division("div-fs", "方松街道", "office-fangsong")
    assert api(cast.enterprise_a).post(url, body, format="json").status_code == 403
    assert api(cast.auditor).post(url, body, format="json").status_code == 403
    first = api(cast.office_a).post(url, body, format="json")
    assert first.status_code == 201 and first.json()["credit_code"] == code
    again = api(cast.office_a).post(url, {"credit_code": code, "industry": "软件"}, format="json")
    assert again.status_code == 200 and again.json()["industry"] == "软件"
    # Another area's office may not take it over through the upsert.
    taken = api(cast.office_b).post(url, {"credit_code": code, "name": "改名"}, format="json")
    assert taken.status_code == 409
    assert Enterprise.objects.get(credit_code=code).name == "接口企业"
    detail = reverse("registry-api-enterprise", kwargs={"credit_code": code})
    assert api(cast.office_b).get(detail).status_code == 404
    assert api(cast.office_b).patch(detail, {"name": "x"}, format="json").status_code == 404
    assert api(cast.auditor).patch(detail, {"name": "x"}, format="json").status_code == 403
    patched = api(cast.office_a).patch(detail, {"phone": "", "size_class": "micro"}, format="json")
    assert patched.status_code == 200 and patched.json()["phone"] == "" and patched.json()["is_sme"] is True


def test_enterprise_bad_input_changes_nothing(cast: Cast, api: Api) -> None:
    before = AuditEvent.objects.count()
    response = api(cast.reviewer).post(
        reverse("registry-api-enterprises"),
        {"credit_code": "91310117000000000X", "name": "", "phone": "0", "size_class": "big"},
        format="json",
    )
    assert response.status_code == 400
    assert {f["field"] for f in response.json()["fields"]} == {"credit_code", "phone", "size_class"}
    assert not Enterprise.objects.exists() and AuditEvent.objects.count() == before


def test_institution_search_api(cast: Cast, api: Api) -> None:
    make_institution(kind="testing", name="丁检测", capabilities="电磁兼容检测", cma_number="CMA 7788")
    url = reverse("registry-api-institutions")
    found = api(cast.stranger).get(url, {"q": "兼容"}).json()
    assert [row["name"] for row in found["results"]] == ["丁检测"]
    assert api(cast.stranger).get(url, {"q": "7788", "kind": "metrology"}).json()["count"] == 0
    assert api(None).get(url).status_code == 403


def test_enterprise_detail_accepts_a_lower_case_code(cast: Cast, api: Api) -> None:
    enterprise = world.enterprise_a()
    lower = reverse("registry-api-enterprise", kwargs={"credit_code": enterprise.credit_code.lower()})
    assert api(cast.operator_a).get(lower).json()["name"] == "方松测试企业"
