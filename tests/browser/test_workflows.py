"""The issue's scenario in a real browser: approvers, an operator and an auditor at work.

Elements are found by data-testid, form field names, URLs and structure, never by visible text:
the interface is being translated while these tests are written.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from audit.web.exports import COLUMNS
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, InstanceStatus, ProcessInstance

from .cases import deploy_approval, open_task, start_case, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]
# Export columns by position (audit.web.exports.COLUMNS; the headers themselves are translated).
ACTION_CODE, BUSINESS_KEY, REASON = 5, 9, 11


def row_of(page: Page, task: HumanTask) -> Locator:
    return page.locator(f'[data-testid="task-row"][data-task="{task.pk}"]')


def inbox_filtered_by(page: Page, base_url: str, text: str) -> None:
    """Type into the inbox's search box and apply the filter form."""
    page.goto(f"{base_url}/inbox/")
    filters = page.get_by_test_id("filters")
    filters.locator("input[name=q]").fill(text)
    with page.expect_navigation():
        filters.locator("button[type=submit]").click()


def has_class(name: str) -> re.Pattern[str]:
    """For expect(...).to_have_class: the class attribute holds `name` as a whole word."""
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def card_of(page: Page, case: ProcessInstance) -> Locator:
    return page.locator(f'article.board-card[data-instance="{case.pk}"]')


def column_of(page: Page, case: ProcessInstance) -> str | None:
    column = page.locator(f'section.board-column:has(article.board-card[data-instance="{case.pk}"])')
    expect(column).to_have_count(1)
    return column.get_attribute("data-column")


# --- 1. an approver works a task from the inbox ---------------------------------------------------


def test_approver_filters_claims_fixes_the_form_and_sees_the_task_leave_the_inbox(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot, journey_clicks: Callable[[str], int]
) -> None:
    deploy_approval()
    reviews = {n: submitted_case(cast, f"SQ-{n}", f"计量器具检定申请 {n}")[1] for n in (101, 102, 103)}
    target = reviews[102]
    base = live_server.url

    sign_in(page, base, "office_a", TEST_PASSWORD)
    expect(page).to_have_url(f"{base}/")  # the role's home page, with the waiting tasks
    expect(page.get_by_test_id("home-task")).to_have_count(3)
    page.goto(f"{base}/inbox/")
    for task in reviews.values():
        expect(row_of(page, task)).to_be_visible()
    shoot("01-inbox")

    inbox_filtered_by(page, base, "SQ-102")
    assert "q=SQ-102" in page.url
    expect(page.get_by_test_id("task-row")).to_have_count(1)
    row = row_of(page, target)
    expect(row).to_be_visible()
    shoot("02-inbox-filtered")

    # Claim in place: htmx swaps the row, the page does not reload.
    marker = page.evaluate("() => (window.__stayed = true)")
    row.get_by_test_id("claim").click()
    expect(row.get_by_test_id("row-notice")).to_be_visible()
    expect(row.get_by_test_id("claim")).to_have_count(0)
    expect(row.get_by_test_id("unclaim")).to_be_visible()
    assert marker and page.evaluate("() => window.__stayed === true"), "the claim reloaded the page"
    # The tab counts came with the row: the claimed task moved from claimable to mine.
    expect(page.get_by_test_id("count-mine")).to_have_text("1")
    expect(page.get_by_test_id("count-claimable")).to_have_text("0")
    target.refresh_from_db()
    assert target.assignee == cast.office_a
    shoot("03-inbox-claimed")

    with page.expect_navigation():
        row.locator("a.task-title").click()
    expect(page).to_have_url(f"{base}/tasks/{target.pk}/")
    expect(page.get_by_test_id("complete")).to_be_visible()
    current = page.locator('#task-diagram svg g.djs-element.current[data-element-id="office_review"]')
    expect(current).to_have_count(1)
    expect(page.locator('#task-diagram g.djs-element.done[data-element-id="submit"]')).to_have_count(1)
    folder = shoot("04-task").parent
    page.get_by_test_id("diagram").screenshot(path=str(folder / "04-task-diagram.png"))  # close-up

    # First attempt: approved, but without the required comment.
    page.check('input[name="f.approved"]')
    with page.expect_navigation():
        page.get_by_test_id("complete").click()
    expect(page.get_by_test_id("error-comment")).to_be_visible()
    expect(page.locator('textarea[name="f.comment"]')).to_have_attribute("aria-invalid", "true")
    expect(page.locator('input[name="f.approved"]')).to_be_checked()  # the input is kept
    expect(current).to_have_count(1)  # the page with the errors still draws the diagram
    target.refresh_from_db()
    assert target.status == HumanTask.Status.OPEN
    shoot("05-task-field-error")

    page.fill('textarea[name="f.comment"]', "材料齐全，同意。")
    with page.expect_navigation():
        page.get_by_test_id("complete").click()
    expect(page).to_have_url(f"{base}/inbox/")
    expect(page.locator(".messages li.success")).to_be_visible()
    expect(row_of(page, reviews[101])).to_be_visible()
    expect(row_of(page, reviews[103])).to_be_visible()
    expect(row_of(page, target)).to_have_count(0)
    shoot("06-inbox-after-complete")

    target.refresh_from_db()
    assert target.status == HumanTask.Status.COMPLETED and target.completed_by == cast.office_a
    assert open_task(target.instance, "district_review")

    # --- 2. two approvers, one task ---------------------------------------------------------------------
    journey_clicks("office: filter, claim, fix the form, complete")


def test_second_approver_claiming_the_same_task_is_told_it_is_taken(
    page: Page, browser: Browser, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deploy_approval()
    _case, task = submitted_case(cast, "SQ-201", "压力表检定申请")
    base = live_server.url
    second = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        other = second.new_page()
        other.set_default_timeout(15_000)
        for who, tab in (("office_a", page), ("office_a2", other)):
            sign_in(tab, base, who, TEST_PASSWORD)
            inbox_filtered_by(tab, base, "SQ-201")
            expect(row_of(tab, task).get_by_test_id("claim")).to_be_visible()
        shoot("01-office_a2-before", other)

        row_of(page, task).get_by_test_id("claim").click()
        expect(row_of(page, task).get_by_test_id("row-notice")).to_be_visible()
        shoot("02-office_a-claimed")

        # office_a2's page is stale: it still offers the claim.
        late = row_of(other, task)
        late.get_by_test_id("claim").click()
        expect(late.get_by_test_id("row-error")).to_be_visible()
        expect(late.get_by_test_id("row-error")).not_to_be_empty()
        expect(late.get_by_test_id("claim")).to_have_count(0)
        expect(late.get_by_test_id("unclaim")).to_have_count(0)
        expect(late.locator("td:nth-child(4)")).to_have_text("office_a")  # the assignee: the winner
        shoot("03-office_a2-refused", other)
    finally:
        second.close()

    task.refresh_from_db()
    assert task.assignee == cast.office_a and task.status == HumanTask.Status.OPEN


# --- 3. an operator moves a case on the board -------------------------------------------------------


def test_operator_suspends_resumes_and_works_a_case_from_the_board(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deploy_approval()
    case = start_case(cast, "SQ-301", "电子秤检定申请")
    start_case(cast, "SQ-302", "血压计检定申请")  # company on the board
    base = live_server.url

    sign_in(page, base, "operator_a", TEST_PASSWORD)
    page.goto(f"{base}/board/")
    card = card_of(page, case)
    expect(card).to_be_visible()
    expect(card).to_have_class(has_class("status-running"))
    first_column = column_of(page, case)
    submit = open_task(case, "submit")
    assert card.get_attribute("data-task") == str(submit.pk)
    shoot("01-board")

    # Suspend: the reason is required; without it the card says so and nothing changes.
    card.get_by_test_id("offer-suspend").click()
    form = card.get_by_test_id("action-suspend")
    form.locator("button[type=submit]").click()
    card = card_of(page, case)
    expect(card.get_by_test_id("reason-error")).to_be_visible()
    assert ProcessInstance.objects.get(pk=case.pk).status == InstanceStatus.RUNNING
    shoot("02-board-suspend-needs-reason")

    card.get_by_test_id("action-suspend").locator("textarea[name=reason]").fill("等待企业补充材料")
    card.get_by_test_id("action-suspend").locator("button[type=submit]").click()
    card = card_of(page, case)
    expect(card).to_have_class(has_class("status-suspended"))
    expect(card.get_by_test_id("work-on-it")).to_have_count(0)
    expect(card.get_by_test_id("offer-resume")).to_have_count(1)
    assert ProcessInstance.objects.get(pk=case.pk).status == InstanceStatus.SUSPENDED
    shoot("03-board-suspended")

    card.get_by_test_id("offer-resume").click()
    card.get_by_test_id("action-resume").locator("textarea[name=reason]").fill("材料已补齐")
    card.get_by_test_id("action-resume").locator("button[type=submit]").click()
    card = card_of(page, case)
    expect(card).to_have_class(has_class("status-running"))
    expect(card.get_by_test_id("work-on-it")).to_be_visible()
    assert ProcessInstance.objects.get(pk=case.pk).status == InstanceStatus.RUNNING
    shoot("04-board-resumed")

    with page.expect_navigation():
        card.get_by_test_id("work-on-it").click()
    expect(page).to_have_url(f"{base}/tasks/{submit.pk}/")
    page.fill('input[name="f.title"]', "电子秤检定申请")
    page.fill('input[name="f.amount"]', "80")
    shoot("05-task")
    with page.expect_navigation():
        page.get_by_test_id("complete").click()
    expect(page).to_have_url(f"{base}/inbox/")

    page.goto(f"{base}/board/")
    review = open_task(case, "office_review")
    card = card_of(page, case)
    expect(card).to_have_attribute("data-task", str(review.pk))
    moved_to = column_of(page, case)
    assert moved_to != first_column and moved_to == f"stage:{review.title}"
    shoot("06-board-moved")


# --- 4. an auditor reviews and exports ------------------------------------------------------------


def test_auditor_finds_the_actions_of_a_case_and_exports_them(
    page: Page,
    live_server: Any,
    cast: Cast,
    shoot: Shoot,
    tmp_path: Path,
    journey_clicks: Callable[[str], int],
) -> None:
    deploy_approval()
    key = "SQ-401"
    case, review = submitted_case(cast, key, "流量计检定申请")
    submitted_case(cast, "SQ-402", "另一件申请")  # must not show up under SQ-401
    human_tasks.claim(review.pk, actor=cast.office_a)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True, "comment": "同意"})
    instances.suspend(case.pk, actor=cast.operator_a, reason="核查材料")
    wanted = {"task.claimed", "task.completed", "instance.suspended"}
    base = live_server.url

    sign_in(page, base, "auditor", TEST_PASSWORD)
    page.goto(f"{base}/audit/")
    shoot("01-audit")
    filters = page.get_by_test_id("audit-filters")
    filters.locator("input[name=case]").fill(key)
    with page.expect_navigation():
        filters.locator("button[type=submit]").click()
    assert f"case={key}" in page.url
    rows = page.get_by_test_id("audit-events").locator("tbody tr[data-event-id]")
    expect(rows.first).to_be_visible()
    # The action by its label; the code is its tooltip.
    codes = [
        str(action.get_attribute("title")) for action in rows.locator("td:nth-child(4) span[title]").all()
    ]
    cases = rows.locator("td:nth-child(6)").all_inner_texts()
    assert wanted <= set(codes), codes
    assert all(key in text for text in cases), cases
    shoot("02-audit-filtered")

    # The suspension's before/after.
    suspended = rows.nth(codes.index("instance.suspended"))
    event_id = suspended.get_attribute("data-event-id")
    with page.expect_navigation():
        suspended.locator("td:first-child a").click()
    expect(page).to_have_url(f"{base}/audit/events/{event_id}/")
    change = page.get_by_test_id("diff").locator('tr[data-path="status"]')
    expect(change).to_have_attribute("data-kind", "changed")
    # Values in words, their JSON in the tooltip.
    expect(change.locator(".diff-old span")).to_have_attribute("title", '"running"')
    expect(change.locator(".diff-new span")).to_have_attribute("title", '"suspended"')
    expect(page.get_by_test_id("content-check")).to_have_attribute("data-ok", "true")
    shoot("03-audit-event")
    page.go_back()

    with page.expect_download() as csv_download:
        page.get_by_test_id("export-csv").click()
    csv_path = tmp_path / "events.csv"
    csv_download.value.save_as(csv_path)
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        header, *lines = list(csv.reader(handle))
    assert len(header) == len(COLUMNS)
    assert wanted <= {line[ACTION_CODE] for line in lines}
    assert {line[BUSINESS_KEY] for line in lines} == {key}
    assert len(lines) == len(codes)
    assert [line[REASON] for line in lines if line[ACTION_CODE] == "instance.suspended"] == ["核查材料"]

    with page.expect_download() as xlsx_download:
        page.get_by_test_id("export-xlsx").click()
    xlsx_path = tmp_path / "events.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    sheet = openpyxl.load_workbook(xlsx_path, read_only=True).active
    assert sheet is not None
    header_row, *cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(header_row) == len(COLUMNS)
    assert wanted <= {r[ACTION_CODE] for r in cells}
    assert {r[BUSINESS_KEY] for r in cells} == {key}
    assert len(cells) == len(codes)
    assert [r[REASON] for r in cells if r[ACTION_CODE] == "instance.suspended"] == ["核查材料"]
    shoot("04-audit-after-exports")
    journey_clicks("auditor: find a case's actions and export them")
