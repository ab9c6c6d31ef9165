"""People, org units and deployed diagrams shared by the sections."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.personas import OPERATOR_A, Cast, build_cast
from workflows.deploy import bundle_for, deploy
from workflows.models import ProcessModelVersion
from workflows.spec_cache import compiled

ROOT = Path(__file__).resolve().parent.parent
BPMN_DIR = ROOT / "tests" / "workflows" / "bpmn"
APPROVAL_BPMN = BPMN_DIR / "approval.bpmn"
CYCLE_BPMN = BPMN_DIR / "cycle.bpmn"
LOOP_BPMN = Path(__file__).resolve().parent / "loop.bpmn"


@dataclass
class World:
    cast: Cast
    approval: ProcessModelVersion
    cycle: ProcessModelVersion
    org_unit: str = OPERATOR_A


def build_world() -> World:
    cast = build_cast()
    versions = {}
    for key, path in (("approval", APPROVAL_BPMN), ("cycle", CYCLE_BPMN)):
        outcome = deploy(bundle_for(path), actor=None, model_key=key)
        assert outcome.version is not None
        # Parse now, so no section pays the one-off spec compilation inside its timings.
        compiled(outcome.version)
        versions[key] = outcome.version
    return World(cast=cast, approval=versions["approval"], cycle=versions["cycle"])
