"""Fixtures for the service-case tests: the shipped diagram deployed, projects in the cast's areas."""

from __future__ import annotations

import pytest

from casemgmt.models import OrgUnit, ServiceProject, TechnicalInstitution
from tests.factories import make_institution, make_project
from tests.personas import AREA_A, AREA_B, OPERATOR_A, OPERATOR_B, Cast
from workflows.models import ProcessModelVersion

from .support import deploy_service_case


@pytest.fixture
def service_case_model(db: None) -> ProcessModelVersion:
    return deploy_service_case()


def projects_for(cast: Cast) -> tuple[ServiceProject, ServiceProject]:
    """Project FS (operator-fs under 方松所) and YY (operator-yy under 岳阳所)."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[AREA_A, AREA_B, OPERATOR_A, OPERATOR_B])}
    project_a = make_project(
        code="fangsong", case_prefix="FS", coordinating_office=units[AREA_A], operator=units[OPERATOR_A]
    )
    project_b = make_project(
        code="yueyang", case_prefix="YY", coordinating_office=units[AREA_B], operator=units[OPERATOR_B]
    )
    return project_a, project_b


@pytest.fixture
def projects(cast: Cast, service_case_model: ProcessModelVersion) -> tuple[ServiceProject, ServiceProject]:
    return projects_for(cast)


@pytest.fixture
def institution(db: None) -> TechnicalInstitution:
    return make_institution(name="上海市计量测试技术研究院", kind=TechnicalInstitution.Kind.METROLOGY)
