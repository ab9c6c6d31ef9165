"""The archive API: outcomes (list, record, correct), the enterprise archive JSON, the downloads."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import Outcome, ServiceCase
from tests.factories import make_outcome, make_record

from .conftest import Area, shanghai

pytestmark = pytest.mark.django_db

PAST = (timezone.localdate() - timedelta(days=5)).isoformat()


def body(area: Area, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project": area.project_a.pk,
        "case": area.case_a.pk,
        "kind": "consulting",
        "subtype": "trademark",
        "title": "商标注册咨询",
        "obtained_on": PAST,
    }
    data.update(changes)
    return data


def test_recording_through_the_api(area: Area, api: Callable[[Any], Any]) -> None:
    response = api(area.cast.operator_a).post(reverse("archive-api-outcome-list"), body(area), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["enterprise"] == area.enterprise.pk and data["case_no"] == "FS-2026-00001"
    assert data["subtype_label"] and data["recorded_by"] == "operator_a"
    assert AuditEvent.objects.filter(action=Action.OUTCOME_RECORDED.value, target_id=str(data["id"])).exists()


def test_bad_input_answers_400_with_bilingual_fields_and_writes_nothing(
    area: Area, api: Callable[[Any], Any]
) -> None:
    before = AuditEvent.objects.count()
    response = api(area.cast.operator_a).post(
        reverse("archive-api-outcome-list"),
        body(area, subtype="calibration", obtained_on="2999-01-01", title=""),
        format="json",
    )
    assert response.status_code == 400
    fields = {f["field"]: f for f in response.json()["fields"]}
    assert set(fields) == {"subtype", "obtained_on", "title"}
    assert fields["obtained_on"]["message"] == "取得日期不能晚于今天。"
    assert fields["obtained_on"]["message_en"] == "The date cannot be in the future."
    assert not Outcome.objects.exists() and AuditEvent.objects.count() == before
    typed = api(area.cast.operator_a).post(
        reverse("archive-api-outcome-list"), body(area, project="x"), format="json"
    )
    assert typed.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"), [("auditor", 403), ("enterprise_a", 403), ("operator_b", 404)]
)
def test_recording_refusals(area: Area, api: Callable[[Any], Any], persona: str, status: int) -> None:
    response = api(getattr(area.cast, persona)).post(
        reverse("archive-api-outcome-list"), body(area), format="json"
    )
    assert response.status_code == status
    assert not Outcome.objects.exists()


def test_correcting_through_the_api(area: Area, api: Callable[[Any], Any]) -> None:
    outcome = make_outcome(case=area.case_a, number="R-1")
    url = reverse("archive-api-outcome-correct", kwargs={"pk": outcome.pk})
    missing_reason = api(area.cast.office_a).post(url, {"changes": {"number": "R-2"}}, format="json")
    assert missing_reason.status_code == 400
    assert missing_reason.json()["fields"][0]["field"] == "reason"
    done = api(area.cast.office_a).post(url, {"changes": {"number": "R-2"}, "reason": "录错"}, format="json")
    assert done.status_code == 200 and done.json()["number"] == "R-2"
    event = AuditEvent.objects.get(action=Action.OUTCOME_CORRECTED.value)
    assert (event.before, event.after, event.reason) == ({"number": "R-1"}, {"number": "R-2"}, "录错")
    hidden = api(area.cast.operator_b).post(url, {"changes": {"number": "R-3"}, "reason": "x"}, format="json")
    assert hidden.status_code == 404


def test_the_list_is_scoped_and_filtered(area: Area, api: Callable[[Any], Any]) -> None:
    a = make_outcome(case=area.case_a, title="A", number="1", obtained_on=date(2026, 1, 10))
    b = make_outcome(case=area.case_b, title="B", number="2", obtained_on=date(2026, 2, 10))
    t = make_outcome(
        case=area.case_a, kind="title", subtype="little_giant", title="T", obtained_on=date(2026, 3, 1)
    )
    ids = lambda persona, **params: [  # noqa: E731
        row["id"]
        for row in api(getattr(area.cast, persona))
        .get(reverse("archive-api-outcome-list"), params)
        .json()["results"]
    ]
    assert ids("operator_a") == [t.pk, a.pk]
    assert ids("operator_b") == [b.pk]
    assert ids("enterprise_a") == [t.pk, b.pk, a.pk]
    assert ids("stranger") == []
    assert ids("admin", kind="title") == [t.pk]
    assert ids("admin", project=area.project_b.pk) == [b.pk]
    assert ids("admin", **{"from": "2026-02-01", "to": "2026-02-28"}) == [b.pk]
    assert ids("admin", to="2026-01-31") == [a.pk]
    bad = api(area.cast.admin).get(reverse("archive-api-outcome-list"), {"from": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["fields"][0]["field"] == "from"


def test_the_enterprise_archive_json(area: Area, api: Callable[[Any], Any]) -> None:
    ServiceCase.objects.filter(pk=area.case_a.pk).update(submitted_at=shanghai(2026, 3, 1, 9, 0))
    ServiceCase.objects.filter(pk=area.case_b.pk).update(submitted_at=shanghai(2026, 3, 3, 9, 0))
    make_record(case=area.case_a, served_at=shanghai(2026, 3, 2, 9, 0), mode="other", mode_description="电话")
    make_outcome(case=area.case_a, number="1", obtained_on=date(2026, 3, 4))
    url = reverse("archive-api-enterprise", kwargs={"pk": area.enterprise.pk})
    data = api(area.cast.reviewer).get(url).json()
    assert data["enterprise"]["credit_code"] == area.enterprise.credit_code
    assert [(e["kind"], e["case_no"]) for e in data["entries"]] == [
        ("submitted", "FS-2026-00001"),
        ("service", "FS-2026-00001"),
        ("submitted", "YY-2026-00001"),
        ("outcome", "FS-2026-00001"),
    ]
    assert data["entries"][1]["record"]["mode_description"] == "电话"
    assert data["entries"][3]["at"] == "2026-03-04"
    own = api(area.cast.operator_b).get(url).json()
    assert [(e["kind"], e["case_no"]) for e in own["entries"]] == [("submitted", "YY-2026-00001")]


def test_the_xlsx_downloads(area: Area, api: Callable[[Any], Any]) -> None:
    url = reverse("archive-api-sheet-project", kwargs={"pk": area.project_a.pk})
    response = api(area.cast.operator_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="service-sheet-fs-project-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", area.enterprise.name]
    assert book[area.enterprise.name]["B2"].value == area.enterprise.name
    enterprise = reverse("archive-api-sheet-enterprise", kwargs={"pk": area.enterprise.pk})
    sheet = load_workbook(io.BytesIO(api(area.cast.enterprise_a).get(enterprise).content)).worksheets[0]
    # The enterprise's own user sees both projects' cases.
    assert [sheet.cell(row, 1).value for row in (10, 11)] == [1, 2]
    assert api(area.cast.admin).get(enterprise, {"to": "2020-01-01"}).status_code == 400
