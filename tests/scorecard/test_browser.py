"""The scorecard in a real browser: the operator ticks an item with a file, judges, submits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from casemgmt.models import OutcomeKind, ServiceProject
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast

from .helpers import PDF, outcomes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fill_and_submit_a_self_assessment(
    page: Page,
    live_server: Any,
    cast: Cast,
    project_a: ServiceProject,
    shoot: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 7)
    sign_in(page, live_server.url, "operator_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/scorecard/")
    page.get_by_test_id("field-period_start").fill("2026-01-01")
    page.get_by_test_id("field-period_end").fill("2026-12-31")
    page.get_by_test_id("start-scorecard").click()
    expect(page.get_by_test_id("total")).to_have_text("3.5")
    evidence = tmp_path / "服务岗位及流程.pdf"
    evidence.write_bytes(PDF)
    page.get_by_test_id("satisfied-1-1").select_option("1")
    page.get_by_test_id("evidence-file-1-1").set_input_files(str(evidence))
    page.get_by_test_id("save-1-1").click()
    expect(page.get_by_test_id("evidence-1-1")).to_contain_text("服务岗位及流程.pdf")
    for number, points in ((7, "7"), (15, "4.5")):
        page.get_by_test_id(f"judgment-points-{number}").fill(points)
        page.get_by_test_id(f"judgment-reason-{number}").fill("符合要求")
        page.locator(f"#indicator-{number} button[type=submit]").click()
    expect(page.get_by_test_id("total")).to_have_text("16.0")  # 3.5 + 1 + 7 + 4.5
    expect(page.get_by_test_id("subtotal-3")).to_contain_text("8.0")  # 3.5 + 4.5
    shoot("scorecard-filled")
    page.once("dialog", lambda dialog: dialog.accept())  # submitting is confirmed first
    page.get_by_test_id("submit-scorecard").click()
    expect(page.get_by_test_id("evaluation-status")).to_have_text("已提交")
    page.get_by_test_id("records-12-1").click()
    expect(page.get_by_test_id("record-row")).to_have_count(7)
    shoot("scorecard-records")
    page.go_back()
    page.get_by_test_id("whatif-link").click()
    expect(page.get_by_test_id("option-12（1）")).to_contain_text("+6.5")
    shoot("scorecard-whatif")
