"""An operator takes a service case from the window through matching, two follow-ups and feedback
to closed, in a real browser.

Elements are found by data-testid, form field names and URLs, not by visible text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from casemgmt.models import CaseStage, OrgUnit, ServiceCase, TechnicalInstitution
from tests.browser_support import sign_in
from tests.cases.support import deploy_service_case
from tests.factories import TEST_PASSWORD, make_institution, make_project, valid_uscc
from tests.personas import AREA_A, OPERATOR_A, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]


def open_task_from_case(page: Page, base: str, case: ServiceCase, spec: str) -> None:
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_test_id("case-no")).to_have_text(case.case_no)
    link = page.locator(f'[data-testid="open-task"][data-spec="{spec}"]')
    expect(link).to_have_count(1)
    with page.expect_navigation():
        link.click()
    expect(page.get_by_test_id("complete")).to_be_visible()


def complete(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("complete").click()


def test_operator_works_a_case_from_the_window_to_closed(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot, journey_clicks: Callable[[str], int]
) -> None:
    deploy_service_case()
    make_project(
        code="fangsong",
        case_prefix="FS",
        name="方松街道质量基础设施一站式服务项目",
        coordinating_office=OrgUnit.objects.get(code=AREA_A),
        operator=OrgUnit.objects.get(code=OPERATOR_A),
    )
    institution = make_institution(
        name="上海市质量监督检验技术研究院", kind=TechnicalInstitution.Kind.TESTING
    )
    base = live_server.url
    sign_in(page, base, "operator_a", TEST_PASSWORD)

    # 需求收集 at the window: first with a bad phone, then corrected.
    page.goto(f"{base}/cases/new/")
    form = page.get_by_test_id("intake-form")
    form.locator("select[name=project_code]").select_option("fangsong")
    form.locator("input[name=credit_code]").fill(valid_uscc(77))
    form.locator("input[name=enterprise_name]").fill("上海茸城精密电子有限公司")
    form.locator("input[name=contact_name]").fill("陈经理")
    form.locator("input[name=contact_phone]").fill("12345")
    form.locator("textarea[name=need]").fill("出口产品需要电磁兼容检测，希望对接检测机构。")
    form.locator('details:has(input[value="testing.1"]) > summary').click()  # its category, folded
    form.locator('input[name=catalogue_items][value="testing.1"]').check()
    form.locator("input[name=consent]").check()  # the enterprise was told of the privacy notice
    shoot("01-intake-form")
    with page.expect_navigation():
        page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("error-contact_phone")).to_be_visible()
    expect(form.locator("input[name=enterprise_name]")).to_have_value("上海茸城精密电子有限公司")
    assert ServiceCase.objects.count() == 0
    form.locator("input[name=contact_phone]").fill("13912345678")
    with page.expect_navigation():
        page.get_by_test_id("submit").click()
    case = ServiceCase.objects.get()
    expect(page.get_by_test_id("case-no")).to_have_text(case.case_no)
    shoot("02-receipt")

    # 需求受理 → 服务对接 with an institution.
    open_task_from_case(page, base, case, "review")
    shoot("03-review-task")
    complete(page)
    case.refresh_from_db()
    assert case.stage == CaseStage.MATCHING
    # The case page lists the candidate institutions with the numbers the matching form asks for.
    page.goto(f"{base}/cases/{case.pk}/")
    row = page.get_by_test_id("candidate-institutions").locator("tr", has_text=institution.name)
    number = row.locator("code").inner_text()
    assert number == str(institution.pk)
    open_task_from_case(page, base, case, "match")
    page.locator('select[name="f.outcome"]').select_option("institution")
    # The institution is picked by searching its name, not typed as a number.
    with page.expect_response(lambda response: "/lookups/institution/" in response.url):
        page.get_by_test_id("lookup-search-institution_id").fill(institution.name)
    picker = page.locator('select[name="f.institution_id"]')
    expect(picker.locator(f'option[value="{number}"]')).to_have_count(1)
    picker.select_option(number)
    page.locator('textarea[name="f.matching_note"]').fill("已电话联系检测院")
    shoot("04-match-task")
    complete(page)
    case.refresh_from_db()
    assert case.stage == CaseStage.FOLLOW_UP and case.matched_institution == institution

    # 服务跟进: two records, the first saying another follows.
    for served_on, mode, content, another in (
        ("2026-01-05", "on_site", "上门指导样品准备", True),
        ("2026-01-12", "expert_lecture", "专家讲解电磁兼容标准", False),
    ):
        open_task_from_case(page, base, case, "record")
        page.locator('input[name="f.served_on"]').fill(served_on)
        page.locator('select[name="f.mode"]').select_option(mode)
        page.locator('select[name="f.service_class"]').select_option("testing")
        page.locator('textarea[name="f.content"]').fill(content)
        if another:
            page.locator('input[name="f.add_another"]').check()
        complete(page)
    shoot("05-after-records")
    case.refresh_from_db()
    assert case.stage == CaseStage.FEEDBACK and case.records.count() == 2

    # 服务反馈: "other" without a description is refused, then accepted.
    open_task_from_case(page, base, case, "feedback")
    page.locator('select[name="f.rating"]').select_option("5")
    page.locator('input[name="f.effects"][value="pass_rate"]').check()
    page.locator('input[name="f.effects"][value="other"]').check()
    page.locator('input[name="f.cost_saved"]').fill("3.5")
    complete(page)
    expect(page.get_by_test_id("error-effect_other")).to_be_visible()
    page.locator("[name='f.effect_other']").fill("检测周期缩短一周")
    shoot("06-feedback-task")
    complete(page)

    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED and case.rating == 5 and case.effect_other == "检测周期缩短一周"
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_test_id("case-stage")).to_be_visible()
    expect(page.locator('[data-testid="case-progress"] li.done')).to_have_count(5)
    expect(page.get_by_test_id("record-row")).to_have_count(2)
    expect(page.get_by_test_id("matched-institution")).to_have_text(institution.name)
    expect(page.get_by_test_id("open-tasks")).to_have_count(0)
    shoot("07-closed-case")
    journey_clicks("operator: a case from the window to closed")
