"""The office's 协助对接 (assisted matching) in a real browser: the operator could not find an
institution and asked the office; office staff go from their home page to the task, find the
institutions serving the case's requested items listed first, search among them, pick one and
finish. Counted in clicks (journey_clicks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from casemgmt.models import CaseStage, OrgUnit, TechnicalInstitution
from tests.browser_support import sign_in
from tests.cases.support import deploy_service_case, open_task, submit, work
from tests.factories import TEST_PASSWORD, make_institution, make_project
from tests.personas import AREA_A, OPERATOR_A, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]


def test_office_staff_match_a_case_the_operator_asked_help_for(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot, journey_clicks: Callable[[str], int]
) -> None:
    deploy_service_case()
    project = make_project(
        code="fangsong",
        case_prefix="FS",
        name="方松街道质量基础设施一站式服务项目",
        coordinating_office=OrgUnit.objects.get(code=AREA_A),
        operator=OrgUnit.objects.get(code=OPERATOR_A),
    )
    # Sorted by kind alone, the metrology institute would come first; the case asks for testing.
    metrology = make_institution(name="上海市计量测试技术研究院", kind=TechnicalInstitution.Kind.METROLOGY)
    lab = make_institution(name="上海市质量监督检验技术研究院", kind=TechnicalInstitution.Kind.TESTING)
    case = submit(project, cast.operator_a, catalogue_items=("testing.1",))
    case = work(case, "review", cast.operator_a, {})
    case = work(
        case, "match", cast.operator_a, {"outcome": "office_help", "matching_note": "找不到合适的机构"}
    )
    task = open_task(case, "office_match")
    base = live_server.url

    sign_in(page, base, "office_a", TEST_PASSWORD)
    expect(page).to_have_url(f"{base}/")
    link = page.locator(f'[data-testid="home-task"] a[href="/tasks/{task.pk}/"]')
    with page.expect_navigation():
        link.click()
    expect(page.get_by_test_id("complete")).to_be_visible()
    # The operator's note is on the page, the institutions for the requested items first.
    expect(page.get_by_text("找不到合适的机构").first).to_be_visible()
    picker = page.locator('select[name="f.office_institution_id"]')
    values = picker.locator("option").evaluate_all("options => options.map(o => o.value).filter(v => v)")
    assert values.index(str(lab.pk)) < values.index(str(metrology.pk)), values
    shoot("01-office-match-task")

    page.locator('select[name="f.office_outcome"]').select_option("institution")
    # A search keeps the order: the picker sends the requested items back with it.
    with page.expect_response(lambda response: "/lookups/institution/" in response.url):
        page.get_by_test_id("lookup-search-office_institution_id").fill("上海市")
    values = picker.locator("option").evaluate_all("options => options.map(o => o.value).filter(v => v)")
    assert values[:2] == [str(lab.pk), str(metrology.pk)], values
    picker.select_option(str(lab.pk))
    page.locator('textarea[name="f.office_note"]').fill("已联系质检院，下周上门")
    shoot("02-office-match-filled")
    with page.expect_navigation():
        page.get_by_test_id("complete").click()
    expect(page.locator(".messages li.success")).to_be_visible()

    case.refresh_from_db()
    assert case.stage == CaseStage.FOLLOW_UP and case.matched_institution == lab
    assert open_task(case, "record").candidate_group.startswith("operator@")
    shoot("03-after-office-match")
    journey_clicks("office: assisted matching from the home page")
