"""The archive in a real browser: find the enterprise, record an outcome, print its sheet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casemgmt.models import Outcome
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD, make_record

from .conftest import Area, shanghai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_an_outcome_and_print_the_sheet(
    page: Page,
    live_server: Any,
    area: Area,
    shoot: Callable[[str], Path],
) -> None:
    make_record(
        case=area.case_a, served_at=shanghai(2026, 3, 5, 10, 0), mode="on_site", content="上门校准指导"
    )
    sign_in(page, live_server.url, "operator_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/archive/")
    page.get_by_role("link", name=area.enterprise.name).click()
    expect(page.get_by_test_id("enterprise-name")).to_have_text(area.enterprise.name)
    entries = page.get_by_test_id("archive-entries")
    expect(entries).to_contain_text("FS-2026-00001")
    expect(entries).not_to_contain_text("YY-2026-00001")  # project B's case is not operator_a's
    shoot("archive")

    page.get_by_test_id("record-for-case").first.click()
    page.select_option("select[name=kind]", "certificate")
    # Only the certificate subtypes are offered now.
    offered = page.locator("select[name=subtype] option[data-kind]:not([disabled])")
    expect(offered.first).to_be_attached()
    assert set(offered.evaluate_all("options => options.map(o => o.dataset.kind)")) == {"certificate"}
    page.select_option("select[name=subtype]", "calibration")
    page.fill("input[name=title]", "校准证书")
    page.fill("input[name=obtained_on]", (timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_test_id("outcome-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-number")).to_be_visible()  # a certificate needs its number
    shoot("form-error")
    page.fill("input[name=number]", "JZ-2026-7")
    page.get_by_test_id("outcome-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("archive-entries")).to_contain_text("JZ-2026-7")
    assert Outcome.objects.get().number == "JZ-2026-7"

    page.get_by_test_id("sheet-link").click()
    sheet = page.get_by_test_id("service-sheet")
    expect(sheet).to_contain_text("质量基础设施“一站式”服务情况统计表")
    expect(sheet).to_contain_text("上门指导")
    expect(page.get_by_test_id("sheet-notes")).to_contain_text("集中培训、上门指导、专家授课")
    shoot("sheet")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("period-form")).to_be_hidden()
    expect(page.locator("header").first).to_be_hidden()
    shoot("sheet-print")
