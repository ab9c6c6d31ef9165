"""Fixtures of the notice-and-consent and rights tests: the cast's two projects, the shipped
service-case diagram."""

from __future__ import annotations

import pytest

from casemgmt.models import ServiceProject
from tests.cases.conftest import projects_for
from tests.cases.support import deploy_service_case
from tests.personas import Cast


@pytest.fixture
def projects(cast: Cast) -> tuple[ServiceProject, ServiceProject]:
    deploy_service_case()
    return projects_for(cast)
