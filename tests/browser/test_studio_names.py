"""The English names in the editor's panel (issue 18), in a real browser: a process admin gives a
task, a gateway and the process an English name (nameEn, read by workflows.catalog); the draft
keeps them and the version deployed from it shows them on English pages. In a pool, the name is
the pool's process's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from studio.models import ModelDraft
from tests.browser.test_studio_panel import (
    SELECT,
    Shoot,
    deployed,
    draft_files,
    entry,
    node,
    open_editor,
    saved,
    type_in,
    with_layout,
)
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from workflows import catalog
from workflows.deploy import bundle_for, deploy
from workflows.validation import task_properties

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def test_an_admin_names_the_process_and_its_steps_in_english(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    """The English names (nameEn) are edited in the panel, kept in the draft and deployed: the new
    version shows them on English pages (workflows.catalog)."""
    deployed(ROOT / "bpmn" / "service_case.bpmn", "service_case")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base, "service_case")
    page.evaluate(SELECT, "review")
    expect(entry(page, "nqi-name-en")).to_have_value("Accept the request")
    type_in(page, "nqi-name-en", "Take in the request")
    saved(page, 2)
    page.evaluate(SELECT, "route_match")  # a gateway is named too
    type_in(page, "nqi-name-en", "Matched how?")
    saved(page, 3)
    page.evaluate(SELECT, "service_case")  # the canvas: the process itself
    expect(entry(page, "nqi-name-en")).to_have_value("Enterprise service case")
    type_in(page, "nqi-name-en", "Service request")
    saved(page, 4)
    shoot("01-english-name")
    outcome = deploy(draft_files(), actor=None, model_key="service_case")
    assert outcome.created and outcome.version is not None
    names = catalog.diagram_names(outcome.version)
    assert names.process == catalog.Label("企业服务办件", "Service request")
    assert names.elements["review"] == catalog.Label("需求受理", "Take in the request")
    assert names.elements["route_match"].en == "Matched how?"

    # In a pool, the English name is the pool's process's.
    source = (ROOT / "tests" / "workflows" / "bpmn" / "approval.bpmn").read_text("utf-8")
    files = {
        **bundle_for(ROOT / "tests" / "workflows" / "bpmn" / "approval.bpmn"),
        "approval.bpmn": with_layout(source),
    }
    assert deploy(files, actor=None, model_key="approval").version is not None
    open_editor(page, base, "approval")
    page.evaluate(SELECT, "approval_participant")
    type_in(page, "nqi-name-en", "Approval in four steps")
    saved(page, 2)
    process = node(
        ModelDraft.objects.get(process_model__key="approval").files["approval.bpmn"], "bpmn:process"
    )
    assert task_properties(process)["nameEn"] == "Approval in four steps"
