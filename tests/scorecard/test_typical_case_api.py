"""Typical cases over the API: an office reports one, the district reviews it; bad input refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from casemgmt.models import ServiceProject
from casemgmt.scorecard.models import TypicalCase
from tests.factories import make_case
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def body(of: ServiceProject, **changes: Any) -> dict[str, Any]:
    return {
        "project": of.code,
        "quarter": "2026q3",
        "kind": "b",
        "title": "上门校准助企降本",
        "description": "为三家企业上门校准，节约送检费用。",
        "cases": ["FS-2026-00001"],
        **changes,
    }


def test_an_office_reports_and_the_district_selects(project_a: ServiceProject, cast: Cast, api: Any) -> None:
    make_case(project=project_a, case_no="FS-2026-00001")
    created = api(cast.office_a).post(reverse("scorecard-api-typical-cases"), body(project_a), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["quarter"], data["status"], data["cases"]) == ("2026Q3", "submitted", ["FS-2026-00001"])
    url = reverse("scorecard-api-typical-case-review", kwargs={"pk": data["id"]})
    refused = api(cast.reviewer).post(url, {"decision": "rejected"}, format="json")
    assert refused.status_code == 400 and refused.json()["fields"][0]["field"] == "note"
    selected = api(cast.reviewer).post(url, {"decision": "selected"}, format="json")
    assert selected.status_code == 200 and selected.json()["status"] == "selected"
    listed = api(cast.operator_a).get(reverse("scorecard-api-typical-cases") + "?status=selected").json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]
    assert api(cast.office_b).get(reverse("scorecard-api-typical-cases")).json()["results"] == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cases": ["FS-2026-09999"]}, "cases"),
        ({"cases": []}, "cases"),
        ({"quarter": "2026-3"}, "quarter"),
        ({"kind": "z"}, "kind"),
        ({"project": "nowhere"}, "project"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_reports_are_refused_and_change_nothing(
    project_a: ServiceProject, cast: Cast, api: Any, changes: dict[str, Any], field: str
) -> None:
    make_case(project=project_a, case_no="FS-2026-00001")
    response = api(cast.office_a).post(
        reverse("scorecard-api-typical-cases"), body(project_a, **changes), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in {f["field"] for f in response.json()["fields"]}
    assert not TypicalCase.objects.exists()


def test_an_office_reports_only_for_its_own_area(project_b: ServiceProject, cast: Cast, api: Any) -> None:
    make_case(project=project_b, case_no="FS-2026-00001")
    response = api(cast.office_a).post(reverse("scorecard-api-typical-cases"), body(project_b), format="json")
    assert response.status_code == 403
    assert not TypicalCase.objects.exists()
