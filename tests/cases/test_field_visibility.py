"""What each role sees of a case, field by field, the same on the case page and in the API
(casemgmt.cases.presentation.CASE_FIELDS / RECORD_FIELDS, one table for both).

An enterprise user sees its own case as the public status page shows it plus its own intake and
feedback: never the operator's matching note, the expert's name, tasks, the process instance,
the escalation, a record's internal description, or staff user names in the history.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.services import record
from casemgmt.cases import presentation
from casemgmt.cases.api.serializers import CaseDetailSerializer
from casemgmt.models import Enterprise, OrgUnit, ServiceCase
from tests.factories import make_case, make_project, make_record
from tests.personas import AREA_A, ENTERPRISE_A, OPERATOR_A, Cast

pytestmark = pytest.mark.django_db

NOTE = "内部备注：企业负责人难沟通"
EXPERT = "王专家"
CONTENT = "内部：上门时发现台账缺失"
STAFF_PERSONAS = ("operator_a", "office_a", "reviewer", "admin", "auditor")
# Field → (what the page shows of it, as text). The API checks keys; the page checks these texts.
PAGE_MARKERS = {
    "matching_note": NOTE,
    "matched_expert": EXPERT,
    "record_content": CONTENT,
    "timeline_actors": 'data-testid="event-actor"',
    "open_tasks": 'data-testid="open-tasks"',
}


@pytest.fixture
def case(cast: Cast) -> ServiceCase:
    project = make_project(
        coordinating_office=OrgUnit.objects.get(code=AREA_A), operator=OrgUnit.objects.get(code=OPERATOR_A)
    )
    found = make_case(
        project=project,
        matching_note=NOTE,
        matched_expert=EXPERT,
        office_help_requested=True,
        escalated_at=timezone.now(),
    )
    Enterprise.objects.filter(pk=found.enterprise_id).update(org_unit=OrgUnit.objects.get(code=ENTERPRISE_A))
    make_record(case=found, content=CONTENT)
    with transaction.atomic():
        record(
            Action.CASE_MATCHED, actor=cast.operator_a, target_type="case", target_id=found.case_no, reason=""
        )
    return found


def api_fields(user: Any, case: ServiceCase, api: Any) -> dict[str, Any]:
    response = api(user).get(reverse("cases-api-detail", kwargs={"pk": case.pk}))
    assert response.status_code == 200, response.content[:300]
    body: dict[str, Any] = response.json()
    return body


def page(user: Any, case: ServiceCase) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("cases-detail", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", [*STAFF_PERSONAS, "enterprise_a"])
def test_case_fields_by_role_in_the_api(persona: str, cast: Cast, case: ServiceCase, api: Any) -> None:
    body = api_fields(getattr(cast, persona), case, api)
    who = presentation.ENTERPRISE if persona == "enterprise_a" else presentation.STAFF
    for field, audiences in presentation.CASE_FIELDS.items():
        # Fields of the table that are not API keys (page-only parts) are in nobody's answer.
        expected = who in audiences and field in CaseDetailSerializer.Meta.fields
        assert (field in body) is expected, (field, persona)
    assert set(body) <= set(presentation.CASE_FIELDS)  # every key of the answer is in the table


@pytest.mark.parametrize("persona", [*STAFF_PERSONAS, "enterprise_a"])
def test_record_fields_by_role_in_the_api(persona: str, cast: Cast, case: ServiceCase, api: Any) -> None:
    body = api_fields(getattr(cast, persona), case, api)
    who = presentation.ENTERPRISE if persona == "enterprise_a" else presentation.STAFF
    expected = {name for name, audience in presentation.RECORD_FIELDS.items() if who in audience}
    assert [set(r) for r in body["records"]] == [expected]


def test_the_enterprise_view_is_the_table(cast: Cast, case: ServiceCase, api: Any) -> None:
    body = api_fields(cast.enterprise_a, case, api)
    for hidden in ("matching_note", "matched_expert", "office_help_requested", "escalated_at", "instance_id"):
        assert hidden not in body
    text = str(body)
    assert NOTE not in text and EXPERT not in text and CONTENT not in text
    assert body["need"] == case.need and body["case_no"] == case.case_no


@pytest.mark.parametrize("persona", [*STAFF_PERSONAS, "enterprise_a"])
def test_case_page_by_role(persona: str, cast: Cast, case: ServiceCase) -> None:
    text = page(getattr(cast, persona), case)
    who = presentation.ENTERPRISE if persona == "enterprise_a" else presentation.STAFF
    shown = presentation.shown(presentation.CASE_FIELDS, who) | {
        f"record_{n}" for n in presentation.shown(presentation.RECORD_FIELDS, who)
    }
    for field, marker in PAGE_MARKERS.items():
        if field == "open_tasks":
            continue  # this case has no process, hence no tasks for anyone
        assert (marker in text) is (field in shown), (field, persona)
    if who == presentation.ENTERPRISE:
        assert "operator_a" not in text  # no staff user name anywhere on the page
    else:
        assert "operator_a" in text


def test_the_list_api_hides_the_escalation_from_the_enterprise(
    cast: Cast, case: ServiceCase, api: Any
) -> None:
    mine = api(cast.enterprise_a).get(reverse("cases-api-list")).json()["results"]
    assert [row["case_no"] for row in mine] == [case.case_no] and "escalated_at" not in mine[0]
    theirs = api(cast.operator_a).get(reverse("cases-api-list")).json()["results"]
    assert "escalated_at" in theirs[0]
