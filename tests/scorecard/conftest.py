"""Fixtures of the scorecard tests: the seeded template and a project in the personas' area A."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casemgmt.models import OrgUnit, ServiceProject
from casemgmt.scorecard.models import TemplateVersion
from casemgmt.scorecard.seed import load_template
from tests.factories import make_project
from tests.personas import AREA_A, AREA_B, OPERATOR_A, OPERATOR_B, Cast


@pytest.fixture
def template(db: None) -> TemplateVersion:
    version, _ = load_template()
    return version


@pytest.fixture
def project_a(cast: Cast, template: TemplateVersion) -> ServiceProject:
    return make_project(
        coordinating_office=OrgUnit.objects.get(code=AREA_A), operator=OrgUnit.objects.get(code=OPERATOR_A)
    )


@pytest.fixture
def project_b(cast: Cast, template: TemplateVersion) -> ServiceProject:
    return make_project(
        coordinating_office=OrgUnit.objects.get(code=AREA_B), operator=OrgUnit.objects.get(code=OPERATOR_B)
    )


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploads of a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
