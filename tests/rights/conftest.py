"""The rights tests' world: enterprise 甲 (enterprise_a's, with a case of project fangsong, so
operator-fs reviews) and enterprise 乙 with its own user (enterprise_b, under office B)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from casemgmt.models import Enterprise, OrgUnit, ServiceCase
from casemgmt.org.roles import Role
from tests.cases.conftest import projects_for
from tests.cases.support import deploy_service_case, submit
from tests.factories import make_membership, make_org_unit, make_user
from tests.personas import AREA_B, ENTERPRISE_A, Cast
from workflows.deploy import bundle_for, deploy

SHIPPED = Path(__file__).resolve().parents[2] / "bpmn" / "personal_data_correction.bpmn"


@dataclass
class World:
    own: Enterprise  # enterprise_a's
    case: ServiceCase  # its first case, of project fangsong (operator-fs)
    other: Enterprise  # enterprise_b's
    enterprise_b: User


def deploy_correction() -> None:
    outcome = deploy(bundle_for(SHIPPED), actor=None, model_key="personal_data_correction")
    assert outcome.version is not None


@pytest.fixture
def world(cast: Cast) -> World:
    deploy_service_case()
    deploy_correction()
    fangsong, yueyang = projects_for(cast)
    case = submit(fangsong, cast.operator_a, 81)
    own = case.enterprise
    own.org_unit = OrgUnit.objects.get(code=ENTERPRISE_A)
    own.save(update_fields=["org_unit"])
    other = submit(yueyang, cast.operator_b, 82).enterprise
    unit_b = make_org_unit(
        code="enterprise-yy",
        name="乙企业",
        kind=OrgUnit.Kind.ENTERPRISE,
        parent=OrgUnit.objects.get(code=AREA_B),
    )
    other.org_unit = unit_b
    other.save(update_fields=["org_unit"])
    enterprise_b = make_user(username="enterprise_b")
    make_membership(user=enterprise_b, org_unit=unit_b, role=Role.ENTERPRISE.value)
    return World(own=own, case=case, other=other, enterprise_b=enterprise_b)
