"""Trying a draft's decision table in the editor: the admin's values run through the same path as
a business-rule task at run time; the notice's strict thresholds come out as the notice says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.personas import Cast
from workflows import decision_test
from workflows.deploy import bundle_for, deploy

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
URL = reverse("process-model-draft-decision-try", args=["site_promotion"])


@pytest.fixture
def draft(cast: Cast, api: Any) -> None:
    deploy(bundle_for(ROOT / "bpmn" / "site_promotion.bpmn"), actor=None, model_key="site_promotion")
    assert api(cast.admin).post(reverse("process-model-draft", args=["site_promotion"])).status_code == 201


def tried(api: Any, user: Any, **body: Any) -> Any:
    return api(user).post(URL, {"decision": "score_band", **body}, format="json")


@pytest.mark.parametrize(
    ("score", "level", "row", "band"),
    [
        ("59.9", "street", 1, "unqualified"),
        ("60", "street", 2, "recorded"),
        ("70", "district", 2, "recorded"),
        ("70.1", "street", 3, "district_candidate"),
        ("70.1", "district", 4, "district_candidate"),
        ("80", "district", 4, "district_candidate"),
        ("80.1", "district", 5, "city_candidate"),
    ],
)
def test_the_bands_come_out_as_the_notice_says(
    cast: Cast, api: Any, draft: None, score: str, level: str, row: int, band: str
) -> None:
    response = tried(api, cast.admin, values={"in_score": score, "in_level": level})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [m["row"] for m in body["matched"]] == [row]
    assert body["output"] == {"band": band}
    assert body["data"]["assessed"]["score"] == float(score) and body["data"]["project"]["level"] == level


def test_bad_values_are_refused_on_their_field(cast: Cast, api: Any, draft: None) -> None:
    response = tried(api, cast.admin, values={"in_score": "七十", "in_level": "street"})
    assert response.status_code == 400 and response.json()["fields"][0]["field"] == "in_score"
    unknown = api(cast.admin).post(URL, {"decision": "nope"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["fields"][0]["field"] == "decision"
    # What the engine refuses (a text compared with a number) is said, as an instance would fail.
    failing = tried(api, cast.admin, variables={"assessed": {"score": "x"}, "project": {"level": "street"}})
    assert failing.status_code == 400 and failing.json()["fields"][0]["field"] == "data"


def test_only_process_admins_try_decisions(cast: Cast, api: Any, draft: None) -> None:
    for user in (cast.operator_a, cast.reviewer, cast.auditor):
        assert tried(api, user, values={"in_score": "70"}).status_code == 403


def test_an_input_read_another_way_needs_its_data() -> None:
    (table,) = decision_test.tables({"t.dmn": (ROOT / "bpmn" / "score_band.dmn").read_text(encoding="utf-8")})
    odd = table.__class__(
        table.decision_id,
        table.name,
        table.file,
        (table.inputs[0].__class__("x", "X", "a + b", "number"),),
        table.outputs,
        table.rules,
    )
    with pytest.raises(decision_test.InvalidInput) as refused:
        decision_test.data_for(odd, {"x": "1"}, {})
    assert refused.value.fields[0].field == "x"
    assert decision_test.data_for(table, {"in_score": "70"}, {"assessed": {"by": "office"}}) == {
        "assessed": {"by": "office", "score": 70}
    }
