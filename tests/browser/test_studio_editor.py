"""The studio's editor in a real browser: a process admin starts a draft of service_case, adds a
step from the palette (in Chinese), sees it marked invalid until its lane is set in the panel,
picks its form; every change is saved to the draft. A second admin editing the same draft from
an older revision is told so, and their change overwrites nothing.

Elements are found by data-testid, element ids and the panel's entry ids, never by visible text
(the palette's Chinese tooltip is what is under test where it is read)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Browser, Page, expect

from studio.models import ModelDraft
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast, another_process_admin
from workflows.deploy import bundle_for, deploy
from workflows.models import ProcessModelVersion
from workflows.parsing import NSMAP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]
ROOT = Path(__file__).resolve().parents[2]


def open_editor(page: Page, base: str) -> None:
    page.goto(f"{base}/studio/service_case/")
    page.get_by_test_id("edit-model").click()
    if page.get_by_test_id("start-draft").count():
        page.get_by_test_id("start-draft").click()
    expect(page.get_by_test_id("editor-canvas")).to_have_attribute("data-ready", "1")


def saved(page: Page, revision: int) -> None:
    status = page.get_by_test_id("draft-status")
    expect(status).to_have_attribute("data-revision", str(revision))
    expect(status).to_have_attribute("data-state", "saved")


def office_lane_nodes(xml: str) -> list[str]:
    root = etree.fromstring(xml.encode("utf-8"))
    return [
        ref.text or "" for ref in root.iterfind(".//bpmn:lane[@id='lane_office']/bpmn:flowNodeRef", NSMAP)
    ]


def new_task_xml() -> str:
    draft = ModelDraft.objects.get()
    return str(draft.files["service_case.bpmn"])


def test_an_admin_adds_a_step_sets_its_lane_and_form(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    version = deploy(
        bundle_for(ROOT / "bpmn" / "service_case.bpmn"), actor=None, model_key="service_case"
    ).version
    assert version is not None
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    create = page.locator('.djs-palette [data-action="create.task"]')
    expect(create).to_have_attribute("aria-label", "创建任务")

    # A task from the palette, dropped on an empty part of the canvas.
    box = page.get_by_test_id("editor-canvas").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 40
    create.click()
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=5)
    page.mouse.click(x, y)
    saved(page, 2)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "1")
    expect(page.locator("g.djs-element.nqi-invalid")).to_have_count(1)
    expect(page.get_by_test_id("element-problems")).to_be_visible()
    shoot("01-new-step-marked")

    # Its lane, picked by role in the panel: the marker goes.
    page.locator("#bio-properties-panel-nqi-task-lane").select_option("市场监管所")
    saved(page, 3)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    expect(page.locator("g.djs-element.nqi-invalid")).to_have_count(0)
    page.locator("#bio-properties-panel-nqi-form").select_option("service_case_review.json")
    saved(page, 4)
    page.locator("#bio-properties-panel-nqi-due").fill("2")
    page.locator("#bio-properties-panel-nqi-due").blur()
    saved(page, 5)
    xml = new_task_xml()
    assert len(office_lane_nodes(xml)) == len(office_lane_nodes(version.files["service_case.bpmn"])) + 1
    assert 'value="service_case_review.json"' in xml
    assert xml.count("formJsonSchemaFilename") == 7  # the six steps that had a form, and the new one
    assert 'name="dueInDays" value="2"' in xml
    shoot("02-lane-and-form-set")

    # Token simulation, in Chinese: the palette gives way to the simulation's controls.
    toggle = page.locator(".bts-toggle-mode")
    expect(toggle).to_contain_text("令牌模拟")
    toggle.click()
    expect(page.locator("#editor-canvas .simulation")).to_have_count(1)
    expect(page.locator(".djs-palette.hidden")).to_have_count(1)
    shoot("03-simulation")


def test_a_second_admin_on_an_older_revision_is_told_and_overwrites_nothing(
    browser: Browser, page: Page, live_server: Any, cast: Cast, shoot: Shoot, request: pytest.FixtureRequest
) -> None:
    deploy(bundle_for(ROOT / "bpmn" / "service_case.bpmn"), actor=None, model_key="service_case")
    another_process_admin("admin2")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    request.addfinalizer(context.close)
    other = context.new_page()
    sign_in(other, base, "admin2", TEST_PASSWORD)
    open_editor(other, base)

    rename = (
        "name => { const m = window.nqiEditor;"
        " m.get('modeling').updateLabel(m.get('elementRegistry').get('review'), name); }"
    )
    page.evaluate(rename, "需求受理（甲）")
    saved(page, 2)
    other.evaluate(rename, "需求受理（乙）")
    expect(other.get_by_test_id("draft-conflict")).to_be_visible()
    expect(other.get_by_test_id("draft-status")).to_have_attribute("data-state", "stale")
    shoot("03-conflict", other)
    xml = new_task_xml()
    assert "需求受理（甲）" in xml and "需求受理（乙）" not in xml
    assert ModelDraft.objects.get().revision == 2


def test_a_change_is_submitted_and_a_second_admin_approves_it(
    browser: Browser, page: Page, live_server: Any, cast: Cast, shoot: Shoot, request: pytest.FixtureRequest
) -> None:
    deploy(bundle_for(ROOT / "bpmn" / "model_change.bpmn"), actor=None, model_key="model_change")
    deploy(bundle_for(ROOT / "bpmn" / "service_case.bpmn"), actor=None, model_key="service_case")
    colleague = another_process_admin("admin2")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    open_editor(page, base)
    page.evaluate(
        "() => { const m = window.nqiEditor;"
        " m.get('modeling').updateLabel(m.get('elementRegistry').get('review'), '需求受理（新）'); }"
    )
    # Submitting saves what is pending first.
    page.get_by_test_id("change-note-input").fill("受理环节改名")
    page.get_by_test_id("submit-change").click()
    expect(page.get_by_test_id("change-status")).to_have_attribute("data-status", "pending")
    expect(page.get_by_test_id("author-waits")).to_be_visible()
    expect(page.get_by_test_id("diff-changed")).to_contain_text("需求受理（新）")
    shoot("04-change-submitted")

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    request.addfinalizer(context.close)
    reviewer = context.new_page()
    sign_in(reviewer, base, "admin2", TEST_PASSWORD)
    reviewer.goto(page.url)
    expect(reviewer.get_by_test_id("studio-diagram")).to_have_attribute("data-ready", "true")
    expect(reviewer.locator('g.djs-element.diff-changed[data-element-id="review"]')).to_have_count(1)
    reviewer.get_by_test_id("review-comment").fill("同意")
    reviewer.get_by_test_id("approve-change").click()
    expect(reviewer.get_by_test_id("change-status")).to_have_attribute("data-status", "deployed")
    shoot("05-change-approved", reviewer)
    version = ProcessModelVersion.objects.get(process_model__key="service_case", number=2)
    assert "需求受理（新）" in version.files["service_case.bpmn"] and version.change_note == "受理环节改名"
    assert version.deployed_by == colleague


def test_an_admin_tests_the_score_bands_before_submitting(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deploy(bundle_for(ROOT / "bpmn" / "site_promotion.bpmn"), actor=None, model_key="site_promotion")
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    page.goto(f"{base}/studio/site_promotion/edit/")
    page.get_by_test_id("start-draft").click()
    expect(page.get_by_test_id("editor-canvas")).to_have_attribute("data-ready", "1")
    panel = page.get_by_test_id("decision-test")
    for score, band in (("70", "recorded"), ("70.1", "district_candidate"), ("80.1", "city_candidate")):
        panel.get_by_test_id("decision-input-in_score").fill(score)
        panel.get_by_test_id("decision-input-in_level").fill("district")
        panel.get_by_test_id("decision-run").click()
        expect(panel.get_by_test_id("decision-output")).to_contain_text(f'"band": "{band}"')
    expect(panel.get_by_test_id("decision-matched")).to_contain_text("#5")
    shoot("06-decision-test")
