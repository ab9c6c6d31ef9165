"""The staff pages: scoped list with filters, window intake with its receipt, the case page,
withdraw/cancel forms; and the API's intake, list, detail and exits."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casemgmt.consent.notice import current_version
from casemgmt.models import CaseStage, Enterprise, OrgUnit, ServiceCase, ServiceProject, TechnicalInstitution
from tests.factories import make_institution
from tests.personas import ENTERPRISE_A, Cast

from .support import FEEDBACK, RECORD, instance_of, request_for, submit, work


def client_for(user: Any, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def window_post(project: ServiceProject, **changes: Any) -> dict[str, Any]:
    request = request_for(project, 31)
    body: dict[str, Any] = {
        name: getattr(request, name)
        for name in (
            "project_code",
            "credit_code",
            "enterprise_name",
            "contact_name",
            "contact_phone",
            "need",
            "address",
            "size_class",
            "industry",
        )
    }
    body["catalogue_items"] = ["testing.1", "standardization.2"]
    body.update(consent="1", notice_version=current_version())
    body.update(changes)
    return body


@pytest.mark.django_db
def test_the_list_shows_each_person_their_own_cases_and_filters(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    a1 = submit(projects[0], cast.operator_a, 1)
    a2 = submit(projects[0], cast.operator_a, 2, need="计量器具检定")
    b1 = submit(projects[1], cast.operator_b, 3)
    Enterprise.objects.filter(pk=a2.enterprise_id).update(org_unit=OrgUnit.objects.get(code=ENTERPRISE_A))

    def listed(user: Any, query: str = "") -> set[str]:
        page = client_for(user).get(reverse("cases-list") + query)
        assert page.status_code == 200
        return {c.case_no for c in page.context["page"]}

    assert listed(cast.operator_a) == {a1.case_no, a2.case_no}
    assert listed(cast.office_a) == {a1.case_no, a2.case_no}
    assert listed(cast.office_b) == {b1.case_no}
    assert listed(cast.enterprise_a) == {a2.case_no}
    assert listed(cast.reviewer) == {a1.case_no, a2.case_no, b1.case_no}
    assert listed(cast.stranger) == set()
    assert listed(cast.reviewer, "?project=yueyang") == {b1.case_no}
    assert listed(cast.reviewer, "?q=计量器具") == {a2.case_no}
    assert listed(cast.reviewer, f"?q={a1.case_no}") == {a1.case_no}
    work(a1, "review", cast.operator_a, {})
    assert listed(cast.reviewer, "?stage=matching") == {a1.case_no}
    assert listed(cast.reviewer, "?stage=intake&since=2000-01-01") == {a2.case_no, b1.case_no}
    assert listed(cast.reviewer, "?until=2000-01-01") == set()


@pytest.mark.django_db
def test_window_intake_form_registers_and_shows_the_receipt(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    client = client_for(cast.operator_a)
    form = client.get(reverse("cases-intake"))
    assert form.status_code == 200
    html = form.content.decode()
    assert "计量" in html and "metrology.1" in html  # items grouped by catalogue category
    assert next(f.choices for f in form.context["fields"] if f.name == "project_code")[1:] == [
        ("fangsong", projects[0].name)
    ], "only projects the operator may register for"
    response = client.post(reverse("cases-intake"), window_post(projects[0]))
    case = ServiceCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases-receipt", kwargs={"pk": case.pk}
    )
    assert case.channel == "window" and case.catalogue_items == ["testing.1", "standardization.2"]
    receipt = client.get(response["Location"]).content.decode()
    assert case.case_no in receipt and "data-print" in receipt  # the print button (static/js/app.js)


@pytest.mark.django_db
def test_window_intake_shows_every_error_next_to_its_field_and_keeps_the_input(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    body = window_post(projects[0], contact_phone="12", need="", credit_code="123", catalogue_items=["x.1"])
    response = client_for(cast.operator_a).post(reverse("cases-intake"), body)
    assert response.status_code == 400
    errors = {f.name: f.errors for f in response.context["fields"] if f.errors}
    assert set(errors) == {"contact_phone", "need", "credit_code", "catalogue_items"}
    assert [f.value for f in response.context["fields"] if f.name == "enterprise_name"] == [
        body["enterprise_name"]
    ]
    assert ServiceCase.objects.count() == 0 and Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_the_case_page_shows_number_progress_records_feedback_and_tasks(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], institution: TechnicalInstitution
) -> None:
    case = submit(projects[0], cast.operator_a)
    page = client_for(cast.operator_a).get(reverse("cases-detail", kwargs={"pk": case.pk}))
    html = page.content.decode()
    assert case.case_no in html and "需求收集" in html and 'aria-current="step"' in html
    # Staff see the contact masked (the full value by a reveal with a reason: tests/privacy).
    assert "138****8000" in html and "138 0013 8000" not in html and "+8613800138000" not in html
    task = instance_of(case).human_tasks.get(status="open")
    assert reverse("task-detail-page", kwargs={"pk": task.pk}) in html
    assert page.context["can_withdraw"] and page.context["can_cancel"]
    case = work(case, "review", cast.operator_a, {})
    matching = client_for(cast.operator_a).get(reverse("cases-detail", kwargs={"pk": case.pk}))
    assert matching.context["candidates"] == [], "testing.1 asks for a testing lab, not a metrology institute"
    testing_lab = make_institution(kind=TechnicalInstitution.Kind.TESTING)
    matching = client_for(cast.operator_a).get(reverse("cases-detail", kwargs={"pk": case.pk}))
    assert matching.context["candidates"] == [testing_lab]
    case = work(case, "match", cast.operator_a, {"outcome": "institution", "institution_id": institution.pk})
    case = work(case, "record", cast.operator_a, RECORD)
    case = work(case, "feedback", cast.operator_a, FEEDBACK)
    page = client_for(cast.office_a).get(reverse("cases-detail", kwargs={"pk": case.pk}))
    html = page.content.decode()
    assert institution.name in html and RECORD["content"] in html and "非常满意" in html
    assert "120.50" in html and "提高产品合格率" in html
    assert not page.context["tasks"] and not page.context["can_withdraw"]
    assert [s.state for s in page.context["steps"]] == ["done"] * 5


@pytest.mark.django_db
def test_withdraw_and_cancel_forms_need_a_reason(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = submit(projects[0], cast.operator_a)
    client = client_for(cast.office_a)
    refused = client.post(reverse("cases-cancel", kwargs={"pk": case.pk}), {"reason": " "})
    assert refused.status_code == 400 and refused.context["reason_errors"]["cancel"]
    case.refresh_from_db()
    assert case.stage == CaseStage.INTAKE
    done = client.post(reverse("cases-cancel", kwargs={"pk": case.pk}), {"reason": "重复登记"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.stage == CaseStage.CANCELLED and case.end_reason == "重复登记"
    html = client.get(reverse("cases-detail", kwargs={"pk": case.pk})).content.decode()
    assert "重复登记" in html and 'data-testid="cancel-form"' not in html


@pytest.mark.django_db
def test_api_intake_list_detail_and_exits(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], api: Any
) -> None:
    client = api(cast.operator_a)
    body = {
        "project_code": "fangsong",
        "credit_code": request_for(projects[0], 44).credit_code,
        "enterprise_name": "接口企业",
        "contact_name": "赵六",
        "contact_phone": "021-57812345",
        "need": "标准制定咨询",
        "catalogue_items": ["standardization.1"],
        "idempotency_key": "api-1",
        "consent": {"notice_version": current_version()},
    }
    created = client.post(reverse("cases-api-create"), body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (
        data["channel"] == "api"
        and data["case_no"].startswith("FS-")
        and data["open_tasks"][0]["task_spec"] == "review"
    )
    again = client.post(reverse("cases-api-create"), body, format="json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    bad = client.post(
        reverse("cases-api-create"),
        {**body, "idempotency_key": None, "contact_phone": "1", "need": ""},
        format="json",
    )
    assert bad.status_code == 400
    assert {f["field"] for f in bad.json()["fields"]} == {"contact_phone", "need"}
    listed = client.get(reverse("cases-api-list") + "?stage=intake").json()
    assert [c["case_no"] for c in listed["results"]] == [data["case_no"]]
    assert api(cast.operator_b).get(reverse("cases-api-detail", kwargs={"pk": data["id"]})).status_code == 404
    missing_reason = client.post(
        reverse("cases-api-withdraw", kwargs={"pk": data["id"]}), {"reason": ""}, format="json"
    )
    assert missing_reason.status_code == 400
    withdrawn = client.post(
        reverse("cases-api-withdraw", kwargs={"pk": data["id"]}), {"reason": "企业撤回"}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["stage"] == "withdrawn"
    again = client.post(
        reverse("cases-api-cancel", kwargs={"pk": data["id"]}), {"reason": "x"}, format="json"
    )
    assert again.status_code == 409
