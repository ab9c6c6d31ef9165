"""Naming and promotion in a real browser: the operator fills the self-assessment on the scorecard
page (an evidence file uploaded, a judgment with its reason), submits it, which completes the
process step; later the operator applies with the proposed name and the office recommends it.

Elements are found by data-testid, form field names and URLs, never by visible text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from casemgmt.promotion.models import ProjectAssessment
from casemgmt.promotion.services import start_assessment
from casemgmt.scorecard import services as scorecard
from casemgmt.scorecard.models import Evaluation, Evidence
from casemgmt.scorecard.submission import submit_evaluation
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from tests.promotion.support import fill_to, open_task, project_in, setup_promotion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]


def test_operator_fills_the_self_assessment_with_evidence_and_the_office_recommends(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot, tmp_path: Path
) -> None:
    setup_promotion()
    project = project_in()
    instance = start_assessment(
        project.pk,
        actor=cast.office_a,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    own = Evaluation.objects.get(instance=instance, stage="self")
    # Most of the sheet is already filled (64.0); the operator adds the rest by hand: item 1(1)
    # with an uploaded file (+1) and indicator 7 with a reason (+8) → 72.0 in all.
    fill_to(own, "64.0", cast.operator_a)
    scorecard.set_score(own, 1, 1, satisfied=False, actor=cast.operator_a)
    own.refresh_from_db()
    assert str(own.total) == "63.0"
    base = live_server.url

    sign_in(page, base, "operator_a", TEST_PASSWORD)
    page.goto(f"{base}/tasks/{open_task(instance).pk}/")
    # The task is done on the scorecard: the page leads there first (the form waits folded).
    expect(page.get_by_test_id("work-page-link")).to_be_visible()
    expect(page.get_by_test_id("complete")).to_be_hidden()
    # The diagram is drawn with the current step marked.
    current = page.locator('#task-diagram svg g.djs-element.current[data-element-id="self_assessment"]')
    expect(current).to_have_count(1)
    shoot("01-self-assessment-task")

    with page.expect_navigation():
        page.get_by_test_id("work-page-link").click()
    expect(page).to_have_url(f"{base}/scorecard/{own.pk}/")
    expect(page.get_by_test_id("evaluation-status")).to_be_visible()
    proof = tmp_path / "制度文件.pdf"
    proof.write_bytes(b"%PDF-1.4\n% service posts and process\n")
    # Each entry saves itself (the scorecard's own test counts the clicks): a file ticks its item.
    page.get_by_test_id("evidence-file-1-1").set_input_files(str(proof))
    expect(page.get_by_test_id("evidence-1-1")).to_contain_text("制度文件.pdf")
    page.get_by_test_id("judgment-points-7").fill("8")
    page.get_by_test_id("judgment-reason-7").fill("项目布局与区域产业规划高度契合")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("total")).to_have_text("72.0")
    shoot("02-scorecard-filled")
    # Submitting is irreversible: the browser asks first, saying what will happen.
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    with page.expect_navigation():
        page.get_by_test_id("submit-scorecard").click()
    assert asked and "评分表" in asked[0]
    expect(page.get_by_test_id("evaluation-status")).to_have_class(re.compile(r"\bok\b"))
    shoot("03-scorecard-submitted")

    own.refresh_from_db()
    assert own.status == "submitted" and str(own.total) == "72.0"
    assert Evidence.objects.filter(score__evaluation=own, original_name="制度文件.pdf").exists()
    assert open_task(instance).task_spec == "office_evaluation"

    # The office's evaluation (not what this test is about) is filled through the services.
    office_eval = Evaluation.objects.get(instance=instance, stage="office")
    submit_evaluation(fill_to(office_eval, "71.5", cast.office_a), actor=cast.office_a)
    apply_task = open_task(instance, "apply")

    page.goto(f"{base}/promotion/tasks/{apply_task.pk}/apply/")
    name = page.locator('input[name="proposed_name"]')
    expect(name).to_have_value("松江区食品制造产业质量基础设施“一站式”服务项目")
    name.fill("松江区方松食品制造产业质量基础设施“一站式”服务项目")
    page.locator('textarea[name="statement"]').fill("自评72分，申请区级项目命名。")
    shoot("04-apply")
    with page.expect_navigation():
        page.get_by_test_id("promotion-apply").locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/promotion/projects/{project.pk}/")

    page.context.clear_cookies()
    sign_in(page, base, "office_a", TEST_PASSWORD)
    recommend = open_task(instance, "office_recommend")
    page.goto(f"{base}/tasks/{recommend.pk}/")
    page.select_option('select[name="f.office_decision"]', "recommend")
    shoot("05-office-recommends")
    with page.expect_navigation():
        page.get_by_test_id("complete").click()
    expect(page.locator(".messages li.success")).to_be_visible()

    assessment = ProjectAssessment.objects.get(instance=instance)
    assert assessment.proposed_name == "松江区方松食品制造产业质量基础设施“一站式”服务项目"
    assert open_task(instance).task_spec == "district_evaluation"
    page.goto(f"{base}/promotion/")
    expect(page.get_by_test_id("promotion-pipeline")).to_contain_text(project.name)
    shoot("06-report")
