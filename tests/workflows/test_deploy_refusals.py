"""Deploy refusals that need more than one process or a whole diagram to show: a problem in one
process does not hide another's, and constructs refused for what Spiff would do with them."""

from __future__ import annotations

import pytest

from tests.conftest import BPMN_DIR
from workflows.deploy import bundle_for

from .test_deploy_checks import refused

pytestmark = pytest.mark.django_db


def test_a_problem_spiff_finds_in_one_process_does_not_hide_another_process_problem() -> None:
    # Spiff reports only the first problem of a build: each executable process is built on its own.
    process = (
        '<bpmn:process id="{id}" isExecutable="{executable}"><bpmn:userTask id="{id}_task" name="t"/>'
        "</bpmn:process>"
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        'targetNamespace="http://nqi.example/bpmn">'
        + process.format(id="main", executable="true")
        + process.format(id="second", executable="true")
        + process.format(id="partner", executable="false")
        + "</bpmn:definitions>"
    )
    problems = refused({"two.bpmn": text}, "main").problems
    no_start = sorted(p.element_id for p in problems if p.code == "start_event")
    assert no_start == ["main", "second"]  # the partner's pool is documentation, not built
    assert all(p.line for p in problems if p.code == "start_event")


def test_a_non_interrupting_error_boundary_is_refused() -> None:
    # BPMN: error boundaries always interrupt; Spiff would let the error fail the instance.
    files = bundle_for(BPMN_DIR / "bpmn_error.bpmn")
    files["bpmn_error.bpmn"] = files["bpmn_error.bpmn"].replace(
        'attachedToRef="reserve">', 'attachedToRef="reserve" cancelActivity="false">', 1
    )
    problems = [p for p in refused(files, "bpmn_error").problems if p.code == "unsupported_event"]
    assert [p.element_id for p in problems] == ["on_no_capacity"]
    assert 'cancelActivity="false"' in problems[0].message and problems[0].line
