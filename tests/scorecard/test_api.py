"""The scorecard API: create, score, submit, detail with record ids, what-if; one error format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from casemgmt.models import OutcomeKind, ServiceProject
from casemgmt.scorecard.models import Evaluation
from tests.personas import Cast

from .helpers import outcomes, pdf


@pytest.mark.django_db
def test_a_scorecard_through_the_api(
    project_a: ServiceProject, cast: Cast, api: Callable[[Any], Any]
) -> None:
    made = outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 5)
    client = api(cast.operator_a)
    body = {
        "project": project_a.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "stage": "self",
    }
    created = client.post(reverse("scorecard-api-evaluations"), body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    pk = data["id"]
    assert data["total"] == "2.5" and data["template_version"] == 1
    twelve = next(i for g in data["groups"] for i in g["indicators"] if i["number"] == 12)
    ids = sorted(u["ids"][0] for u in twelve["items"][0]["records"]["units"])
    assert ids == sorted(o.pk for o in made)
    score = reverse("scorecard-api-score", kwargs={"pk": pk})
    assert (
        client.post(score, {"indicator": 7, "points": "7.5", "reason": "符合规划"}, format="json").status_code
        == 200
    )
    assert (
        client.post(score, {"indicator": 15, "points": "3", "reason": "效益良好"}, format="json").status_code
        == 200
    )
    upload = client.post(
        score, {"indicator": 18, "satisfied": "true", "evidence_file": pdf()}, format="multipart"
    )
    assert upload.status_code == 200, upload.json()
    linked = client.post(
        score,
        {"indicator": 1, "sub_item": "2", "satisfied": True, "evidence_url": "https://example.org/a"},
        format="json",
    )
    assert linked.json()["total"] == "15.0"  # 2.5 + 7.5 + 3 + 1 + 1
    whatif = client.get(reverse("scorecard-api-whatif", kwargs={"pk": pk})).json()
    assert whatif["targets"][0] == {"threshold": "70", "passes": False, "missing": "55.1"}
    certificates = next(o for o in whatif["options"] if o["label"] == "12（1）")
    assert (certificates["more_units"], certificates["gain"]) == (15, "7.5")
    submitted = client.post(reverse("scorecard-api-submit", kwargs={"pk": pk}))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = client.post(reverse("scorecard-api-submit", kwargs={"pk": pk}))
    assert again.status_code == 409 and again.json()["code"] == "submitted"


@pytest.mark.django_db
def test_api_refusals(project_a: ServiceProject, cast: Cast, api: Callable[[Any], Any]) -> None:
    client = api(cast.operator_a)
    url = reverse("scorecard-api-evaluations")
    bad_period = {
        "project": project_a.pk,
        "period_start": "2026-12-31",
        "period_end": "2026-01-01",
        "stage": "self",
    }
    response = client.post(url, bad_period, format="json")
    assert response.status_code == 400 and response.json()["fields"][0]["field"] == "period_end"
    office_stage = {**bad_period, "period_start": "2026-01-01", "period_end": "2026-12-31", "stage": "office"}
    assert client.post(url, office_stage, format="json").status_code == 403
    assert api(cast.office_b).post(url, office_stage, format="json").status_code == 403
    created = client.post(url, {**office_stage, "stage": "self"}, format="json").json()
    score = reverse("scorecard-api-score", kwargs={"pk": created["id"]})
    response = client.post(
        score, {"indicator": 1, "sub_item": "1", "satisfied": True, "evidence_url": "ftp://x"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(reverse("scorecard-api-submit", kwargs={"pk": created["id"]}))
    assert response.status_code == 400
    assert {f["code"] for f in response.json()["fields"]} == {"reason_required"}
    assert (
        api(cast.operator_b)
        .get(reverse("scorecard-api-evaluation", kwargs={"pk": created["id"]}))
        .status_code
        == 404
    )
    assert Evaluation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("scorecard-api-evaluations", {"status": "bogus"}),
        ("scorecard-api-evaluations", {"stage": "nope"}),
        ("scorecard-api-evaluations", {"project": "abc"}),
        ("scorecard-api-evaluations", {"project": str(2**64)}),
        ("scorecard-api-typical-cases", {"status": "bogus"}),
        ("scorecard-api-typical-cases", {"quarter": "2026Q9"}),
    ],
)
def test_unknown_list_filter_values_are_refused_not_ignored(
    cast: Cast, api: Callable[[Any], Any], name: str, params: dict[str, str]
) -> None:
    response = api(cast.office_a).get(reverse(name), params)
    assert response.status_code == 400, response.content
    [field] = response.json()["fields"]
    assert field["field"] == next(iter(params))
    assert field["message"] and field["message_en"]


@pytest.mark.django_db
def test_known_list_filter_values_still_filter(
    project_a: ServiceProject, cast: Cast, api: Callable[[Any], Any]
) -> None:
    client = api(cast.operator_a)
    body = {
        "project": project_a.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "stage": "self",
    }
    created = client.post(reverse("scorecard-api-evaluations"), body, format="json").json()
    url = reverse("scorecard-api-evaluations")
    drafts = client.get(url, {"status": "draft", "stage": "self", "project": str(project_a.pk)}).json()
    assert [row["id"] for row in drafts["results"]] == [created["id"]]
    assert client.get(url, {"status": "submitted"}).json()["results"] == []
    assert (
        api(cast.office_a).get(reverse("scorecard-api-typical-cases"), {"quarter": "2026q3"}).status_code
        == 200
    )
