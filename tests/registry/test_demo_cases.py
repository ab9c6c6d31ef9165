"""The run command's demo data: every command in scripts/run's order, twice, on a fresh database."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from casemgmt.demo.cases import CASES, demo_credit_code
from casemgmt.models import Enterprise, Outcome, ServiceCase
from workflows.models import HumanTask

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


def run_the_seeds() -> None:
    quiet = io.StringIO()
    call_command("deploy_bpmn", str(BPMN), stdout=quiet)
    call_command("seed_demo", stdout=quiet)
    call_command("load_registry", stdout=quiet)
    call_command("load_sample_institutions", stdout=quiet)
    call_command("load_scorecard_template", stdout=quiet)
    call_command("seed_demo_cases", stdout=quiet)


@pytest.mark.django_db
def test_demo_cases_reach_their_stages_and_a_second_run_changes_nothing(
    tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path  # the demo passwords file
    run_the_seeds()
    stages = dict(ServiceCase.objects.values_list("idempotency_key", "stage"))
    assert stages == {
        "demo-case-1": "closed",
        "demo-case-2": "follow_up",
        "demo-case-3": "matching",
        "demo-case-4": "intake",
    }
    closed = ServiceCase.objects.get(idempotency_key="demo-case-1")
    assert closed.records.get().recorded_by is not None and closed.rating == 5
    assert Outcome.objects.get(case=closed).number == "JZ-DEMO-0001"
    # The demo enterprise user's unit is the first enterprise's.
    unit = Enterprise.objects.get(credit_code=demo_credit_code(1)).org_unit
    assert unit is not None and unit.code == "enterprise-demo"

    counts = (ServiceCase.objects.count(), HumanTask.objects.count(), Outcome.objects.count())
    run_the_seeds()
    assert (ServiceCase.objects.count(), HumanTask.objects.count(), Outcome.objects.count()) == counts
    assert len(CASES) == counts[0]
