"""The shipped decision table (bpmn/score_band.dmn, as deployed with site_promotion) at the
notice's strict boundaries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.personas import Cast
from workflows import instances
from workflows.deploy import deploy
from workflows.models import HumanTask, ProcessInstance
from workflows.runtime import load_workflow

from .support import deploy_shipped

PROBE = Path(__file__).parent / "bpmn" / "band_probe.bpmn"


def band_of(score: float, level: str) -> str:
    instance = instances.start_instance(
        "band_probe",
        actor=None,
        data={"assessed": {"score": score}, "project": {"level": level}},
        org_unit_code="district",
    )
    waiting = HumanTask.objects.get(instance=instance, status=HumanTask.Status.OPEN)
    task = load_workflow(ProcessInstance.objects.get(pk=instance.pk)).tasks[waiting.spiff_task_id]
    return str(task.data["band"])


@pytest.fixture
def probe(cast: Cast) -> None:
    shipped = deploy_shipped("site_promotion")
    # The probe runs the very table deployed with site_promotion (its stored text), not a copy.
    files = {PROBE.name: PROBE.read_text(encoding="utf-8"), "score_band.dmn": shipped.files["score_band.dmn"]}
    deploy(files, actor=None, model_key="band_probe")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("total", "level", "band"),
    [
        ("59.9", "street", "unqualified"),
        ("60", "street", "recorded"),
        ("60.0", "street", "recorded"),
        ("70", "street", "recorded"),
        ("70.1", "street", "district_candidate"),
        ("80", "street", "district_candidate"),
        ("80.1", "street", "district_candidate"),
        ("59.9", "district", "unqualified"),
        ("70", "district", "recorded"),
        ("70.1", "district", "district_candidate"),
        ("80", "district", "district_candidate"),
        ("80.1", "district", "city_candidate"),
        ("110", "district", "city_candidate"),
        ("0", "street", "unqualified"),
    ],
)
def test_boundaries(probe: None, total: str, level: str, band: str) -> None:
    # Totals arrive as decimal strings; check_evaluation turns them into float(Decimal(total)).
    assert band_of(float(Decimal(total)), level) == band
