"""The studio's journey in one go, in a real browser, with screenshots: admin A designs a form with
a lookup field, adds a step from the palette (marked invalid until its lane is set), gives it the
form and wires it in after 需求受理; A submits, admin B reviews the diff and approves; A dry-runs
and migrates the open cases; an operator finds the new step in the inbox and completes it with
the lookup picker. (Editing and testing score_band.dmn is its own journey:
tests/browser/test_decision_editor.py.)

Connecting the new step into the flow goes through the modeler's own API (dragging connection
ends is brittle in a headless browser); everything else is clicked and typed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from casemgmt.models import CaseStage, TechnicalInstitution
from studio import batches
from studio.models import MigrationBatch, ModelDraft
from tests.browser.test_studio_editor import open_editor, saved
from tests.browser_support import sign_in
from tests.cases.conftest import projects_for
from tests.cases.support import submit
from tests.factories import TEST_PASSWORD, make_institution
from tests.personas import Cast, another_process_admin
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]
ROOT = Path(__file__).resolve().parents[2]
FORM = "service_case_verify.json"
STEP = "资料核验"

WIRE = """(name) => {
  const m = window.nqiEditor;
  const registry = m.get('elementRegistry');
  const modeling = m.get('modeling');
  const step = registry.filter((e) => e.type === 'bpmn:Task' && !e.businessObject.name)[0];
  const flow = registry.get('f_review');
  modeling.reconnectEnd(flow, step, { x: step.x, y: step.y + step.height / 2 });
  modeling.connect(step, registry.get('save_review'));
  modeling.updateLabel(step, name);
  return step.id;
}"""


def new_page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    request.addfinalizer(context.close)
    return context.new_page()


def test_a_new_step_goes_from_the_palette_to_an_operators_inbox(
    browser: Browser, page: Page, live_server: Any, cast: Cast, shoot: Shoot, request: pytest.FixtureRequest
) -> None:
    deploy(bundle_for(ROOT / "bpmn" / "model_change.bpmn"), actor=None, model_key="model_change")
    deploy(bundle_for(ROOT / "bpmn" / "service_case.bpmn"), actor=None, model_key="service_case")
    another_process_admin("admin2")
    project, _ = projects_for(cast)
    institution = make_institution(
        name="上海市质量监督检验技术研究院", kind=TechnicalInstitution.Kind.TESTING
    )
    cases = [submit(project, cast.operator_a, n) for n in (1, 2)]  # both wait at 需求受理
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)

    # 1. A new form with a lookup field, in the form designer.
    open_editor(page, base)
    page.get_by_test_id("new-form-name").fill(FORM.removesuffix(".json"))
    page.get_by_test_id("new-form").click()
    page.get_by_test_id("add-field").click()
    row = page.get_by_test_id("designer-row").first
    row.get_by_test_id("field-name").fill("institution_id")
    row.get_by_test_id("field-kind").select_option("lookup")
    page.get_by_test_id("designer-row").first.get_by_test_id("field-lookup").select_option("institution")
    page.get_by_test_id("designer-row").first.get_by_test_id("field-title").fill("检测机构")
    expect(page.get_by_test_id("form-preview").get_by_test_id("lookup-institution_id")).to_be_visible()
    page.get_by_test_id("save-form").click()
    expect(page.get_by_test_id("form-no-problems")).to_be_visible()
    shoot("01-form-designed")

    # The step: from the palette, marked until its lane is set; then its form, and wired in.
    open_editor(page, base)
    revision = ModelDraft.objects.get().revision
    box = page.get_by_test_id("editor-canvas").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 40
    page.locator('.djs-palette [data-action="create.task"]').click()
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=5)
    page.mouse.click(x, y)
    saved(page, revision + 1)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "1")
    expect(page.locator("g.djs-element.nqi-invalid")).to_have_count(1)
    shoot("02-new-step-marked")
    page.locator("#bio-properties-panel-nqi-task-lane").select_option("运营机构人员")
    saved(page, revision + 2)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    page.locator("#bio-properties-panel-nqi-form").select_option(FORM)
    saved(page, revision + 3)
    step_id = page.evaluate(WIRE, STEP)
    saved(page, revision + 4)
    expect(page.get_by_test_id("problem-count")).to_have_attribute("data-count", "0")
    shoot("03-step-wired")

    # 3. Submitted by A, approved by B.
    page.get_by_test_id("change-note-input").fill("需求受理后增加资料核验")
    page.get_by_test_id("submit-change").click()
    expect(page.get_by_test_id("change-status")).to_have_attribute("data-status", "pending")
    reviewer = new_page(browser, request)
    sign_in(reviewer, base, "admin2", TEST_PASSWORD)
    reviewer.goto(page.url)
    expect(reviewer.locator(f'g.djs-element.diff-added[data-element-id="{step_id}"]')).to_have_count(1)
    shoot("04-review", reviewer)
    reviewer.get_by_test_id("review-comment").fill("同意")
    reviewer.get_by_test_id("approve-change").click()
    expect(reviewer.get_by_test_id("change-status")).to_have_attribute("data-status", "deployed")
    version = ProcessModelVersion.objects.get(process_model__key="service_case", number=2)
    assert json.loads(version.files[FORM])["properties"]["institution_id"]["x-lookup"] == "institution"

    # 4. The open cases: dry run, then the batch.
    page.goto(f"{base}/studio/service_case/")
    page.get_by_test_id("migrate-model").click()
    expect(page.locator('[data-testid="migration-candidates"] tbody tr')).to_have_count(2)
    page.get_by_test_id("migration-dry-run").click()
    expect(page.locator('[data-testid="rehearsal"][data-moved="1"]')).to_have_count(2)
    page.get_by_test_id("migration-reason").fill("启用第 2 版：增加资料核验")
    page.get_by_test_id("migration-start").click()
    batches.run(MigrationBatch.objects.get().pk)  # the job, as a worker would run it
    expect(page.get_by_test_id("batch-progress")).to_have_attribute("data-status", "finished", timeout=10_000)
    shoot("05-migrated")

    # 5. The operator: 需求受理, then the new step from the inbox, with the picker.
    operator = new_page(browser, request)
    sign_in(operator, base, "operator_a", TEST_PASSWORD)
    case = cases[0]
    operator.goto(f"{base}/cases/{case.pk}/")
    with operator.expect_navigation():
        operator.locator('[data-testid="open-task"][data-spec="review"]').click()
    with operator.expect_navigation():
        operator.get_by_test_id("complete").click()
    step = HumanTask.objects.get(task_spec=step_id, status=HumanTask.Status.OPEN)
    assert step.instance_id == case.instance_id and step.form_file == FORM
    operator.goto(f"{base}/inbox/")
    with operator.expect_navigation():
        operator.locator(f'a[href$="/tasks/{step.pk}/"]').first.click()
    with operator.expect_response(lambda response: "/lookups/institution/" in response.url):
        operator.get_by_test_id("lookup-search-institution_id").fill("质量监督")
    operator.locator('select[name="f.institution_id"]').select_option(str(institution.pk))
    shoot("06-new-step-with-picker", operator)
    with operator.expect_navigation():
        operator.get_by_test_id("complete").click()
    step.refresh_from_db()
    case.refresh_from_db()
    assert step.status == HumanTask.Status.COMPLETED and step.completed_by == cast.operator_a
    assert case.stage == CaseStage.MATCHING
