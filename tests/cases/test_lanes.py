"""The office lane of a district- or city-level project (operator under the bureau) resolves to the
bureau's district reviewers; street-level projects keep their office."""

from __future__ import annotations

import pytest

from casemgmt.models import OrgUnit
from casemgmt.org.lanes import DISTRICT_CODE, OrgUnitLaneResolver
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows.models import ProcessInstance


@pytest.mark.django_db
def test_office_lane_without_an_office_above_goes_to_the_bureaus_reviewers(cast: Cast) -> None:
    bureau = OrgUnit.objects.get(code=DISTRICT_CODE)
    OrgUnit.objects.create(code="operator-city", name="市级项目运营机构", kind="operator", parent=bureau)
    resolver = OrgUnitLaneResolver()
    city = resolver.candidate_for("office_staff", ProcessInstance(org_unit_code="operator-city"))
    assert city.group == f"district_reviewer@{DISTRICT_CODE}"
    street = resolver.candidate_for("office_staff", ProcessInstance(org_unit_code=OPERATOR_A))
    assert street.group == f"office_staff@{AREA_A}"
    operator = resolver.candidate_for("operator", ProcessInstance(org_unit_code="operator-city"))
    assert operator.group == "operator@operator-city"
