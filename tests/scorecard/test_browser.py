"""The scorecard in a real browser: the operator fills a whole self-assessment without a single
save click (each entry saves itself), sees the summary follow, reloads, corrects a refused value
in place, submits; the user's actions are counted (58 clicks before this form saved itself)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Locator, Page, Route, expect

from casemgmt.models import OutcomeKind, ServiceProject
from casemgmt.scorecard.models import IndicatorScore, SubItem
from casemgmt.scorecard.services import create_evaluation
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast

from .helpers import END, PDF, START, outcomes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Actions:
    """What the user does, counted: a click, a field filled, a file chosen, a key, a dialog
    answered each count one (typing inside a field does not)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def fill(self, target: Locator, text: str) -> None:
        self.count += 1
        target.fill(text)

    def choose_file(self, target: Locator, path: Path) -> None:
        self.count += 1
        target.set_input_files(str(path))

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def confirm_next_dialog(self, asked: list[str]) -> None:
        def answer(dialog: Dialog) -> None:
            self.count += 1
            asked.append(dialog.message)
            dialog.accept()

        self.page.once("dialog", answer)


def manual_items() -> list[tuple[int, int]]:
    """(indicator, position) of every item the operator ticks and proves by hand."""
    rows = SubItem.objects.filter(rule_kind="checklist", source="").order_by("indicator__number", "position")
    return [(row.indicator.number, row.position) for row in rows.select_related("indicator")]


def test_fill_and_submit_a_self_assessment(
    page: Page,
    live_server: Any,
    cast: Cast,
    project_a: ServiceProject,
    shoot: Callable[[str], Path],
    tmp_path: Path,
    journey_clicks: Callable[[str], int],
) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 7)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    sign_in(page, live_server.url, "operator_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/scorecard/")
    page.get_by_test_id("field-period_start").fill("2026-01-01")
    page.get_by_test_id("field-period_end").fill("2026-12-31")
    page.get_by_test_id("start-scorecard").click()
    expect(page.get_by_test_id("total")).to_have_text("3.5")  # 7 certificates × 0.5, from the records
    expect(page.get_by_test_id("missing-count")).to_contain_text("还缺 2 项")  # the two judgments' reasons
    scorecard_url = page.url

    # The self-assessment itself, counted from here: no save button anywhere.
    act = Actions(page)
    expect(page.locator("[data-testid^=save-]")).to_have_count(0)  # only inside <noscript>
    evidence = tmp_path / "服务岗位及流程.pdf"
    evidence.write_bytes(PDF)
    # A file for 1(1): choosing it ticks the item and saves both.
    act.choose_file(page.get_by_test_id("evidence-file-1-1"), evidence)
    expect(page.get_by_test_id("state-1-1")).to_have_text("已保存")
    expect(page.get_by_test_id("evidence-1-1")).to_contain_text("服务岗位及流程.pdf")
    expect(page.get_by_test_id("satisfied-1-1")).to_be_checked()
    expect(page.get_by_test_id("total")).to_have_text("4.5")
    expect(page.get_by_test_id("summary-subtotal-1")).to_have_text("1.0 / 20.0")
    expect(page.get_by_test_id("subtotal-1")).to_have_text("1.0 / 20.0")
    # A link for each of the other 25; each saves when the next field is entered.
    items = manual_items()
    assert len(items) == 26
    for number, position in items[1:]:
        act.fill(
            page.get_by_test_id(f"evidence-url-{number}-{position}"),
            f"https://example.org/{number}/{position}",
        )
    for number, points, reason in ((7, "7", "符合区域产业规划"), (15, "4.5", "经济和社会效益良好")):
        act.fill(page.get_by_test_id(f"judgment-points-{number}"), points)
        act.fill(page.get_by_test_id(f"judgment-reason-{number}"), reason)
    act.press("Tab")  # leaving the last field saves it
    # 3.5 from the records, 33 for the 26 items, 7 and 4.5 judged: base 47.0 and the bonus 1 (18).
    # (The saves queue on the scorecard's lock; on a busy machine they take a while to drain.)
    expect(page.get_by_test_id("total")).to_have_text("48.0", timeout=60_000)
    expect(page.get_by_test_id("total-bonus")).to_have_text("1.0")
    expect(page.get_by_test_id("summary-subtotal-1")).to_have_text("20.0 / 20.0")
    # Capability: 7 judged, 9 and 10(1) and 11 ticked (4 + 2 + 6); 8 has no records behind it.
    expect(page.get_by_test_id("summary-subtotal-2")).to_have_text("19.0 / 30.0")
    expect(page.get_by_test_id("ready")).to_be_visible()
    expect(page.get_by_test_id("submit-scorecard")).to_be_enabled()
    for number, position in items:
        expect(page.get_by_test_id(f"satisfied-{number}-{position}")).to_be_checked()
    expect(page.get_by_test_id("state-15")).to_have_text("已保存")
    expect(page.get_by_test_id("state-18-1")).to_have_text("已保存")
    # The summary stays in view at the bottom of the long sheet.
    page.get_by_test_id("indicator-18").scroll_into_view_if_needed()
    expect(page.get_by_test_id("summary")).to_be_in_viewport()
    # (Checked before the first screenshot: Playwright's leaves style="" on inputs, which htmx's
    # settling then copies onto the swapped ones, and the policy rightly refuses.)
    assert not [line for line in console if "Content Security Policy" in line], console
    shoot("scorecard-filled")
    filled_in = act.count

    # Everything was stored: a reload shows the same.
    page.goto(scorecard_url)
    expect(page.get_by_test_id("total")).to_have_text("48.0")
    expect(page.get_by_test_id("satisfied-6-4")).to_be_checked()
    expect(page.get_by_test_id("evidence-6-4")).to_contain_text("https://example.org/6/4")
    expect(page.get_by_test_id("judgment-points-7")).to_have_value("7.0")
    expect(page.get_by_test_id("judgment-reason-15")).to_have_value("经济和社会效益良好")

    # Typing on while a save of the same part is under way: the answer does not wipe it out.
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/score/", hold)
    page.get_by_test_id("judgment-points-7").fill("7.5")
    page.get_by_test_id("judgment-reason-7").fill("布局合理")  # entering it sends the points
    for _ in range(50):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    page.get_by_test_id("judgment-reason-7").press_sequentially("，与产业规划契合")
    held[0].continue_()
    page.unroute("**/score/")
    expect(page.get_by_test_id("points-7")).to_have_text("7.5")  # the answer is in, the part replaced
    expect(page.get_by_test_id("judgment-reason-7")).to_have_value("布局合理，与产业规划契合")
    page.keyboard.press("Tab")  # leaving it saves what was typed meanwhile
    expect(page.get_by_test_id("reason-7")).to_contain_text("布局合理，与产业规划契合")
    expect(page.get_by_test_id("total")).to_have_text("48.5")

    # A refused value: said next to the field, what was typed kept, nothing stored.
    page.get_by_test_id("judgment-points-15").fill("6")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("error-15-points")).to_contain_text("分值须在 0 到 5.0 之间")
    expect(page.get_by_test_id("state-15")).to_have_text("未保存")
    expect(page.get_by_test_id("judgment-points-15")).to_have_value("6")
    expect(page.get_by_test_id("total")).to_have_text("48.5")
    assert str(IndicatorScore.objects.get(indicator__number=15).points) == "4.5"
    shoot("scorecard-refused")
    page.get_by_test_id("judgment-points-15").fill("4.5")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("state-15")).to_have_text("已保存")
    expect(page.get_by_test_id("error-15-points")).to_have_count(0)

    # On a phone the summary sits on top of the sheet and stays there.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("indicator-12").scroll_into_view_if_needed()
    expect(page.get_by_test_id("summary")).to_be_in_viewport()
    page.screenshot(path=str(shoot("scorecard-phone").with_name("scorecard-phone-scrolled.png")))
    page.set_viewport_size({"width": 1280, "height": 900})

    asked: list[str] = []
    act.confirm_next_dialog(asked)  # submitting is confirmed first
    act.click(page.get_by_test_id("submit-scorecard"))
    expect(page.get_by_test_id("evaluation-status")).to_have_text("已提交")
    assert asked and "评分表" in asked[0]
    # 26 items, 2 judgments × 2 fields, leaving the last field, submitting and confirming.
    assert (filled_in, act.count) == (31, 33)
    print(f"\nA full self-assessment took {act.count} user actions (58 clicks before).")
    journey_clicks("operator: a full self-assessment, submitted")
    expect(page.get_by_test_id("summary")).to_have_count(0)  # read-only now
    page.get_by_test_id("records-12-1").click()
    expect(page.get_by_test_id("record-row")).to_have_count(7)
    shoot("scorecard-records")
    page.go_back()
    page.get_by_test_id("whatif-link").click()
    expect(page.get_by_test_id("option-12（1）")).to_contain_text("+6.5")
    shoot("scorecard-whatif")


def test_without_javascript_each_part_has_its_save_button(
    browser: Browser, live_server: Any, cast: Cast, project_a: ServiceProject
) -> None:
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        # (sign_in clicks the first submit button: without JavaScript, the language switch's.)
        page.goto(f"{live_server.url}/accounts/login/?next=/scorecard/{evaluation.pk}/")
        page.fill("input[name=username]", "operator_a")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.locator("main button[type=submit]").click()
        item = page.get_by_test_id("item-2-1")
        item.get_by_test_id("satisfied-2-1").check()
        item.get_by_test_id("evidence-url-2-1").fill("https://example.org/funding.pdf")
        item.get_by_test_id("save-2-1").click()
        expect(page.locator(".messages")).to_contain_text("指标 2 已保存。")
        expect(page.get_by_test_id("evidence-2-1")).to_contain_text("https://example.org/funding.pdf")
        expect(page.get_by_test_id("total")).to_have_text("1.0")
        page.get_by_test_id("judgment-points-7").fill("6")
        page.get_by_test_id("judgment-reason-7").fill("符合区域规划")
        page.get_by_test_id("save-7").click()
        expect(page.locator(".messages")).to_contain_text("指标 7 已保存。")
        expect(page.get_by_test_id("total")).to_have_text("7.0")
        expect(page.get_by_test_id("missing-count")).to_contain_text("还缺 1 项")
    finally:
        context.close()
