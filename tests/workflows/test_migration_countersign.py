"""Migrating an instance in the middle of a countersign: each open part keeps its signer, its
row and its title; the signatures already given stay; the rest sign under the new version."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import BPMN_DIR
from tests.personas import Cast
from workflows import migration
from workflows.deploy import bundle_for, deploy
from workflows.models import ProcessInstance

from .test_countersign import (
    ALL,
    case_data,
    deploy_countersign,
    ended_at,
    officials,  # noqa: F401 (fixture)
    open_parts,
    sign,
    start,
)

pytestmark = pytest.mark.django_db


def deploy_renamed() -> None:
    """Version 2: the same countersign with its form's title changed."""
    files = bundle_for(BPMN_DIR / "countersign.bpmn")
    xml = files["countersign.bpmn"].replace(
        "<bpmn:completionCondition>rejected &gt; 0</bpmn:completionCondition>", ""
    )
    first_name = xml.index('name="', xml.index("<bpmn:userTask"))
    files["countersign.bpmn"] = xml[: first_name + 6] + "（新）" + xml[first_name + 6 :]
    outcome = deploy(files, actor=None, model_key="countersign")
    assert outcome.created


def test_a_countersign_in_progress_moves_with_its_signers(cast: Cast, officials: list[Any]) -> None:  # noqa: F811
    deploy_countersign(ALL)
    case: ProcessInstance = start(cast, [u.username for u in officials[:3]])
    first, second, third = open_parts(case)
    sign(first, officials[0], comment="同意 1")
    deploy_renamed()
    found = migration.plan(case.pk, actor=cast.admin)
    assert found.can_migrate, found.blockers
    migration.migrate(case.pk, actor=cast.admin, reason="改名", expected=found.fingerprint)
    case.refresh_from_db()
    assert case.version.number == 2
    parts = open_parts(case)
    assert [p.pk for p in parts] == [second.pk, third.pk]
    assert [p.assignee_id for p in parts] == [officials[1].pk, officials[2].pk]
    assert [p.signer for p in parts] == [officials[1].username, officials[2].username]
    sign(parts[0], officials[1], comment="同意 2")
    sign(parts[1], officials[2], comment="同意 3")
    data = case_data(case)
    assert [(o["by"], o["signer"], o["comment"]) for o in data["opinions"]] == [
        (officials[0].username, officials[0].username, "同意 1"),
        (officials[1].username, officials[1].username, "同意 2"),
        (officials[2].username, officials[2].username, "同意 3"),
    ]
    assert ended_at(case) == "passed"
