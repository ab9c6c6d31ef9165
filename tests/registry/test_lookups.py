"""Lookup fields (x-lookup): deploy refuses a bad source, completing refuses a value the user could
not have picked, the picker searches in the user's scope, and the task page draws the picker."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casemgmt.inbox import schema_form
from casemgmt.models import OrgUnit
from core.errors import InvalidInput
from tests.factories import make_case, make_enterprise, make_institution, make_project
from tests.personas import AREA_A, AREA_B, OPERATOR_A, OPERATOR_B, Cast
from workflows.form_schemas import schema_problems
from workflows.forms import validate_task_data

pytestmark = pytest.mark.django_db

FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "institution_id": {"type": "integer", "title": "技术机构", "x-lookup": "institution"},
        "enterprise": {"type": "string", "title": "企业", "x-lookup": "enterprise"},
    },
}


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def served(cast: Cast) -> tuple[Any, Any]:
    """Two enterprises, each served by a case of one area's project."""
    units = {code: OrgUnit.objects.get(code=code) for code in (AREA_A, AREA_B, OPERATOR_A, OPERATOR_B)}
    in_a = make_enterprise(name="上海方松精密制造有限公司")
    in_b = make_enterprise(name="上海岳阳电子有限公司")
    for code, office, operator, enterprise in (
        ("fs", AREA_A, OPERATOR_A, in_a),
        ("yy", AREA_B, OPERATOR_B, in_b),
    ):
        project = make_project(
            code=code, case_prefix=code.upper(), coordinating_office=units[office], operator=units[operator]
        )
        make_case(project=project, enterprise=enterprise, case_no=f"{code.upper()}-2026-00001")
    return in_a, in_b


def test_deploy_refuses_an_unknown_source_or_the_wrong_type() -> None:
    assert schema_problems("ok", FORM) == []
    unknown = {"type": "object", "properties": {"x": {"type": "integer", "x-lookup": "planets"}}}
    wrong_type = {"type": "object", "properties": {"x": {"type": "string", "x-lookup": "institution"}}}
    for schema, words in ((unknown, "planets"), (wrong_type, "integer")):
        (problem,) = schema_problems("f", schema)
        assert (
            problem.code == "form_lookup" and words in problem.message_en and "字段 x" in problem.message_zh
        )


def test_completing_refuses_a_value_the_source_does_not_hold(cast: Cast) -> None:
    active = make_institution(name="上海市计量测试技术研究院")
    retired = make_institution(name="已停用检测所", active=False)
    assert validate_task_data({"institution_id": active.pk}, FORM, cast.operator_a)
    for value in (retired.pk, 999_999):
        with pytest.raises(InvalidInput) as refused:
            validate_task_data({"institution_id": value}, FORM, cast.operator_a)
        (error,) = refused.value.fields
        assert error.field == "institution_id" and error.code == "not_found"
        assert "技术机构" in error.message_zh and "technical institution" in error.message_en


def test_enterprises_are_picked_within_the_users_scope(cast: Cast, served: tuple[Any, Any]) -> None:
    in_a, in_b = served
    assert validate_task_data({"enterprise": in_a.credit_code}, FORM, cast.operator_a)
    with pytest.raises(InvalidInput):
        validate_task_data({"enterprise": in_b.credit_code}, FORM, cast.operator_a)
    assert validate_task_data({"enterprise": in_b.credit_code}, FORM, cast.reviewer)  # district-wide

    def options(user: Any, q: str) -> str:
        url = reverse("lookup-options", kwargs={"source": "enterprise"})
        response = client_for(user).get(url, {"q": q})
        assert response.status_code == 200
        return response.content.decode()

    assert in_a.name in options(cast.operator_a, "上海") and in_b.name not in options(cast.operator_a, "上海")
    assert in_b.name in options(cast.reviewer, "岳阳") and in_a.name not in options(cast.reviewer, "岳阳")
    assert in_b.name in options(cast.reviewer, in_b.credit_code[:8].lower())  # code prefix, any case


def test_the_picker_lists_matches_and_keeps_a_choice_still_listed(cast: Cast) -> None:
    wanted = make_institution(name="上海市质量监督检验技术研究院")
    make_institution(name="上海市计量测试技术研究院")
    make_institution(name="质量检验（已停用）", active=False)
    url = reverse("lookup-options", kwargs={"source": "institution"})
    found = client_for(cast.operator_a).get(url, {"q": "质量", "f.institution_id": str(wanted.pk)})
    html = found.content.decode()
    assert f'<option value="{wanted.pk}" selected>' in html
    assert "计量测试" not in html and "已停用" not in html
    nothing = client_for(cast.operator_a).get(url, {"q": "不存在的机构"}).content.decode()
    assert "未找到" in nothing or "Nothing found" in nothing


def test_the_task_page_draws_a_picker_with_the_current_value(cast: Cast) -> None:
    wanted = make_institution(name="上海市质量监督检验技术研究院")
    (field, _enterprise) = schema_form.build_fields(
        FORM, data={"institution_id": wanted.pk}, user=cast.operator_a
    )
    assert field.kind == schema_form.LOOKUP and field.attrs["lookup"] == "institution"
    assert field.value == str(wanted.pk)
    assert [c.value for c in field.choices][:1] == [str(wanted.pk)]
    data, errors = schema_form.parse_submission(FORM, {"f.institution_id": str(wanted.pk), "q": "质量"})
    assert data == {"institution_id": wanted.pk} and errors == {}
    data, errors = schema_form.parse_submission(FORM, {"f.institution_id": "abc"})
    assert "institution_id" in errors


def test_people_are_picked_among_the_roles_holders_in_the_users_scope(cast: Cast) -> None:
    form = {"type": "object", "properties": {"who": {"type": "string", "x-lookup": "users-office_staff"}}}
    assert schema_problems("f", form) == []
    assert validate_task_data({"who": "office_a2"}, form, cast.office_a)
    for refused in ("office_b", "operator_a", "nobody"):  # another area's office; another role
        with pytest.raises(InvalidInput):
            validate_task_data({"who": refused}, form, cast.office_a)
    assert validate_task_data({"who": "office_b"}, form, cast.reviewer)  # district-wide
    url = reverse("lookup-options", kwargs={"source": "users-office_staff"})
    html = client_for(cast.office_a).get(url, {"q": "office"}).content.decode()
    assert 'value="office_a2"' in html and 'value="office_b"' not in html


def test_institutions_serving_the_requested_items_come_first(cast: Cast) -> None:
    """A case asking for a testing item lists testing laboratories first, on the page and in
    every search the picker sends back; the context only orders, it never widens or narrows."""
    from casemgmt.models import TechnicalInstitution

    lab = make_institution(name="上海电子产品检测所", kind=TechnicalInstitution.Kind.TESTING)
    metrology = make_institution(name="上海市计量测试技术研究院", kind=TechnicalInstitution.Kind.METROLOGY)
    case_data = {"catalogue_items": ["testing.1"], "contact_phone": "13912345678"}
    (field, _enterprise) = schema_form.build_fields(FORM, user=cast.operator_a, context=case_data)
    assert [c.value for c in field.choices][:2] == [str(lab.pk), str(metrology.pk)]
    sent = json.loads(field.attrs["search_vals"])
    assert json.loads(sent["context"]) == {"catalogue_items": ["testing.1"]}  # nothing else of the case
    (plain, _enterprise) = schema_form.build_fields(FORM, user=cast.operator_a)
    assert [c.value for c in plain.choices][:2] == [str(metrology.pk), str(lab.pk)]  # by kind
    assert "search_vals" not in plain.attrs

    url = reverse("lookup-options", kwargs={"source": "institution"})
    client = client_for(cast.operator_a)

    html = client.get(url, {"q": "上海", "context": sent["context"]}).content.decode()
    assert html.index(lab.name) < html.index(metrology.name)
    html = client.get(url, {"q": "上海"}).content.decode()
    assert html.index(metrology.name) < html.index(lab.name)
    for broken in ("{not json", '["testing.1"]', '{"catalogue_items": "testing.1"}', "x" * 5000):
        response = client.get(url, {"q": "上海", "context": broken})
        assert response.status_code == 200 and lab.name in response.content.decode()
