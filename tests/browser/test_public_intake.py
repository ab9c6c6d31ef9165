"""An enterprise, not signed in, submits a request online, fixes an error, then looks it up.

Elements are found by data-testid, form field names and URLs, never by visible text except where
the test checks what the enterprise reads (the stage name, the no-match message).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from casemgmt.consent.notice import current_version
from casemgmt.models import ServiceCase
from tests.factories import make_institution
from tests.public.support import advance_to_feedback, deploy_service_case, make_public_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "139 1234 5678"
GOOD_CODE = "91310117MA1J2KXQ40"
BAD_CODE = "91310117MA1J2KXQ41"  # wrong check character


def test_enterprise_submits_fixes_an_error_and_looks_the_case_up(
    page: Page,
    browser: Browser,
    live_server: Any,
    shoot: Callable[..., Path],
    journey_clicks: Callable[[str], int],
) -> None:
    deploy_service_case()
    project = make_public_project()
    base = live_server.url

    page.goto(f"{base}/public/intake/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("current-user")).to_have_count(0)  # nobody is signed in
    form = page.get_by_test_id("intake-form")
    form.locator("select[name=project_code]").select_option(project.code)
    form.locator("input[name=credit_code]").fill(BAD_CODE)
    form.locator("input[name=enterprise_name]").fill("上海松江示例精密机械有限公司")
    form.locator("input[name=address]").fill("上海市松江区示例路8号")
    form.locator("select[name=size_class]").select_option("small")
    form.locator("input[name=industry]").fill("通用设备制造")
    form.locator("input[name=contact_name]").fill("李四")
    form.locator("input[name=contact_phone]").fill(PHONE)
    form.locator("textarea[name=need]").fill("产品出口需要做电磁兼容检测，希望对接检测机构。")
    for key in ("testing.2", "metrology.2"):
        box = form.locator(f"input[name=catalogue_items][value='{key}']")
        form.locator(f"details:has(input[value='{key}']) > summary").click()
        box.check()
    # The privacy notice in brief, its full text one link away; the box must be ticked.
    expect(page.get_by_test_id("notice-short")).to_contain_text("上海市松江区市场监督管理局")
    expect(page.get_by_test_id("notice-link")).to_have_attribute("href", "/privacy/")
    form.locator("input[name=consent]").check()
    shoot("filled")
    with page.expect_navigation():
        page.get_by_test_id("submit").click()

    # Refused: the reason sits next to the credit code; everything typed is still there.
    error = page.get_by_test_id("error-credit_code")
    expect(error).to_be_visible()
    expect(error).to_contain_text("校验")
    expect(page.locator("input[name=enterprise_name]")).to_have_value("上海松江示例精密机械有限公司")
    expect(page.locator("input[name=catalogue_items][value='testing.2']")).to_be_checked()
    expect(page.locator("input[name=consent]")).to_be_checked()
    shoot("credit-code-error")
    assert ServiceCase.objects.count() == 0

    page.locator("input[name=credit_code]").fill(GOOD_CODE)
    with page.expect_navigation():
        page.get_by_test_id("submit").click()

    number = page.get_by_test_id("case-number")
    expect(number).to_have_text(re.compile(r"FS-\d{4}-\d{5}"))
    case_no = number.inner_text().strip()
    shoot("receipt")
    case = ServiceCase.objects.get()
    assert case.case_no == case_no and case.channel == "online"
    assert sorted(case.catalogue_items) == ["metrology.2", "testing.2"]
    assert case.consent.channel == "public" and case.consent.notice_version == current_version()
    # The phone is in no URL the browser visited.
    assert "13912345678" not in page.url

    # Later, in another browser: the wrong phone first, then the right one.
    later = browser.new_context(locale="zh-CN").new_page()
    later.goto(f"{base}/public/status/")
    lookup = later.get_by_test_id("lookup-form")
    lookup.locator("input[name=case_no]").fill(case_no)
    lookup.locator("input[name=phone]").fill("13900000000")
    with later.expect_navigation():
        later.get_by_test_id("lookup").click()
    expect(later.get_by_test_id("form-errors")).to_contain_text("没有与该办件编号和联系电话相符的办件")
    later.locator("input[name=phone]").fill(PHONE)
    with later.expect_navigation():
        later.get_by_test_id("lookup").click()
    expect(later).to_have_url(f"{base}/public/status/{case_no}/")
    expect(later.get_by_test_id("case-number")).to_have_text(case_no)
    expect(later.get_by_test_id("stage")).to_have_text("需求收集")
    expect(later.get_by_test_id("withdraw-form")).to_be_visible()
    shoot("status", later)
    later.context.close()
    journey_clicks("public intake: submit, fix an error, look the case up")


def test_enterprise_gives_feedback_online(page: Page, live_server: Any, shoot: Callable[..., Path]) -> None:
    deploy_service_case()
    project = make_public_project()
    base = live_server.url
    page.goto(f"{base}/public/intake/")
    form = page.get_by_test_id("intake-form")
    form.locator("select[name=project_code]").select_option(project.code)
    form.locator("input[name=credit_code]").fill(GOOD_CODE)
    form.locator("input[name=enterprise_name]").fill("上海松江示例精密机械有限公司")
    form.locator("input[name=contact_name]").fill("李四")
    form.locator("input[name=contact_phone]").fill(PHONE)
    form.locator("textarea[name=need]").fill("计量器具校准")
    form.locator("input[name=consent]").check()
    with page.expect_navigation():
        page.get_by_test_id("submit").click()
    case = advance_to_feedback(ServiceCase.objects.get(), make_institution(name="松江区计量测试所"))

    page.get_by_test_id("view-status").click()
    expect(page.get_by_test_id("stage")).to_have_text("服务反馈")
    expect(page.get_by_test_id("institution")).to_have_text("松江区计量测试所")
    expect(page.get_by_test_id("records")).to_contain_text("上门指导")
    feedback = page.get_by_test_id("feedback-form")
    feedback.locator("input[name=rating][value='5']").check()
    feedback.locator("input[name=effects][value='pass_rate']").check()
    feedback.locator("input[name=effects][value='other']").check()
    feedback.locator("input[name=new_jobs]").fill("2")
    feedback.locator("input[name=cost_saved]").fill("1.5")
    with page.expect_navigation():
        page.get_by_test_id("send-feedback").click()
    # "Other" needs its description: said next to the field, the rest kept.
    expect(page.get_by_test_id("error-effect_other")).to_be_visible()
    expect(page.locator("input[name=cost_saved]")).to_have_value("1.5")
    shoot("feedback-error")
    page.locator("input[name=effect_other]").fill("缩短了送检周期")
    with page.expect_navigation():
        page.get_by_test_id("send-feedback").click()
    expect(page.get_by_test_id("stage")).to_have_text("办结")
    expect(page.get_by_test_id("feedback-form")).to_have_count(0)
    expect(page.get_by_test_id("withdraw-form")).to_have_count(0)
    shoot("closed")
    case.refresh_from_db()
    assert case.rating == 5 and case.effect_other == "缩短了送检周期" and str(case.cost_saved) == "1.50"
