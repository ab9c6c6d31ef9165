"""The studio's decision-table editor in a real browser: a process admin opens score_band.dmn of a
draft of site_promotion from the BPMN editor's page, sees the table in Chinese, changes a rule's
output through the table, sees it saved into the draft (the server holds the new content, and
its checks find nothing wrong), and tests 70.1 in the panel beside the table, which answers the
changed output from the saved draft.

Elements are found by data-testid, the table's data-element-id and the DMN ids, never by visible
text (the table's Chinese labels are what is under test where they are read)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from studio import drafts
from studio.models import ModelDraft
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from workflows.deploy import bundle_for, deploy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]
ROOT = Path(__file__).resolve().parents[2]


def saved(page: Page, revision: int) -> None:
    status = page.get_by_test_id("draft-status")
    expect(status).to_have_attribute("data-revision", str(revision))
    expect(status).to_have_attribute("data-state", "saved")


def test_an_admin_changes_a_rule_and_tests_the_saved_table(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deploy(bundle_for(ROOT / "bpmn" / "site_promotion.bpmn"), actor=None, model_key="site_promotion")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    page.goto(f"{base}/studio/site_promotion/edit/")
    page.get_by_test_id("start-draft").click()
    expect(page.get_by_test_id("editor-canvas")).to_have_attribute("data-ready", "1")
    page.get_by_test_id("decision-files").get_by_test_id("edit-decision").click()
    expect(page.get_by_test_id("dmn-canvas")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("decision-file")).to_have_text("score_band.dmn")
    # The table in Chinese: its hit policy and the "when/then" head.
    table = page.get_by_test_id("dmn-canvas")
    expect(table.locator(".hit-policy")).to_contain_text("命中策略")
    expect(table.locator(".hit-policy")).to_contain_text("唯一")
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    shoot("01-table")

    # Rule 4 (a district project above 70, up to 80) gets an output of its own: its cell, typed.
    cell = table.locator('td[data-element-id="r4_out"]')
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"district_holds"')
    table.locator('td[data-element-id="r4_score"]').click()  # leaving the cell ends the edit
    saved(page, 2)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    xml = ModelDraft.objects.get().files["score_band.dmn"]
    assert '"district_holds"' in xml and xml.count('"district_candidate"') == 1
    assert drafts.problems(ModelDraft.objects.get()) == []
    shoot("02-rule-changed")

    # The test panel answers from the saved draft: 70.1 for a district project is rule 4's.
    panel = page.get_by_test_id("decision-test")
    panel.get_by_test_id("decision-input-in_score").fill("70.1")
    panel.get_by_test_id("decision-input-in_level").fill("district")
    panel.get_by_test_id("decision-run").click()
    expect(panel.get_by_test_id("decision-output")).to_contain_text('"band": "district_holds"')
    expect(panel.get_by_test_id("decision-matched")).to_contain_text("#4")
    saved(page, 2)  # nothing was pending: testing saved nothing again
    shoot("03-tested")

    # A change the test has to save first: rule 4's output again, then the test right away.
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"district_kept"')
    panel.get_by_test_id("decision-run").click()
    expect(panel.get_by_test_id("decision-output")).to_contain_text('"band": "district_kept"')
    saved(page, 3)
    assert '"district_kept"' in ModelDraft.objects.get().files["score_band.dmn"]

    # The way back to the diagram.
    page.get_by_test_id("back-to-editor").click()
    expect(page.get_by_test_id("editor-canvas")).to_have_attribute("data-ready", "1")
