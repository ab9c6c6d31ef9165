"""Issue 17's approval operations in one journey, in a real browser.

An office reviewer returns a promotion application to the operator with an opinion; the
operator fixes and resubmits; it jumps straight back to the reviewer (the apply step's
`resubmit=returner`); the reviewer adds a district colleague as 后加签 and copies a second office;
the colleague signs and the process moves on; the operator recalls a step they just completed on
another case; the second office finds the copy under 抄送我的 and reads it.

Elements are found by data-testid, form field names and URLs, never by visible text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from casemgmt.promotion.services import start_assessment
from tests.approvals.support import deploy_approval
from tests.factories import TEST_PASSWORD
from tests.personas import OPERATOR_A, Cast
from tests.promotion.support import complete, open_specs, open_task, project_in, score_stage, setup_promotion
from workflows import instances
from workflows.models import HumanTask, ProcessInstance, TaskCopy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]

PROPOSED = "松江区方松食品制造产业质量基础设施“一站式”服务项目"
RETURN_OPINION = "请补充项目建设材料"


def _as(page: Page, base: str, username: str) -> None:
    """Sign out whoever was signed in and sign `username` in, waiting for the login to land."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def steps(instance: ProcessInstance) -> list[str]:
    """The open steps of the process, added signers' parts left out."""
    rows = instance.human_tasks.filter(status=HumanTask.Status.OPEN, added_to=None)
    return sorted(rows.values_list("task_spec", flat=True))


def _at_apply(cast: Cast) -> ProcessInstance:
    """A street project's promotion, both scorecards submitted through the services (72.0 and
    71.5: a district candidate), applied for by operator_a."""
    setup_promotion()
    instance = start_assessment(
        project_in().pk,
        actor=cast.office_a,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    score_stage(instance, "self", "72.0", cast.operator_a)
    score_stage(instance, "office", "71.5", cast.office_a)
    complete(
        instance,
        "apply",
        cast.operator_a,
        {"proposed_name": PROPOSED, "statement": "自评72分，申请区级项目命名。"},
    )
    assert open_specs(instance) == {"office_recommend"}
    return instance


def test_return_resubmit_added_signer_recall_and_copy(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot, journey_clicks: Callable[[str], int]
) -> None:
    base = live_server.url
    # Returns and recalls ask for confirmation (data-confirm): the user says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    instance = _at_apply(cast)
    applied = instance.human_tasks.get(task_spec="apply", status=HumanTask.Status.COMPLETED)

    # 2. The office returns the application to the operator, with its opinion.
    _as(page, base, "office_a")
    recommend = open_task(instance, "office_recommend")
    page.goto(f"{base}/tasks/{recommend.pk}/")
    box = page.get_by_test_id("return-box")
    box.locator("summary").click()
    box.get_by_test_id("return-target").select_option(str(applied.pk))
    box.get_by_test_id("return-opinion").fill(RETURN_OPINION)
    shoot("01-office-returns")
    with page.expect_navigation():
        box.get_by_test_id("return").click()
    expect(page).to_have_url(f"{base}/inbox/")
    expect(page.locator(".messages li.success")).to_be_visible()
    recommend.refresh_from_db()
    assert recommend.status == HumanTask.Status.RETURNED
    reopened = open_task(instance, "apply")
    assert open_specs(instance) == {"apply"} and reopened.assignee_id == cast.operator_a.pk

    # 3. The operator reads why, fixes the application and sends it again: it goes straight back
    # to the office reviewer who returned it, not to the office's pool.
    _as(page, base, "operator_a")
    page.goto(f"{base}/tasks/{reopened.pk}/")
    expect(page.get_by_test_id("returned-note")).to_contain_text(RETURN_OPINION)
    shoot("02-operator-sees-the-return")
    page.goto(f"{base}/promotion/tasks/{reopened.pk}/apply/")
    page.locator('textarea[name="statement"]').fill("已补充项目建设材料，自评72分，申请区级项目命名。")
    with page.expect_navigation():
        page.get_by_test_id("promotion-apply").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/promotion/projects/\d+/$"))
    back = open_task(instance)
    assert back.task_spec == "office_recommend"
    assert back.assignee_id == cast.office_a.pk  # the returner's again
    # The operator can see it but no longer work it.
    page.goto(f"{base}/tasks/{back.pk}/")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    shoot("03-resubmitted-back-with-the-office")

    # 4. The office recommends, with a district colleague signing after it and a copy to the
    # other office.
    _as(page, base, "office_a")
    page.goto(f"{base}/tasks/{back.pk}/")
    expect(page.get_by_test_id("after-signers-box")).to_be_visible()  # it holds the task
    page.select_option('select[name="f.office_decision"]', "recommend")
    page.get_by_test_id("after-signers").select_option(["reviewer"])
    page.get_by_test_id("copy-to").select_option(["office_b"])
    page.get_by_test_id("opinion").fill("材料齐全，同意推荐。")
    shoot("04-office-recommends-with-signer-and-copy")
    with page.expect_navigation():
        page.get_by_test_id("complete").click()
    expect(page.locator(".messages li.success")).to_be_visible()
    back.refresh_from_db()
    assert back.status == HumanTask.Status.AWAITING
    part = HumanTask.objects.get(added_to=back)
    assert part.assignee_id == cast.reviewer.pk and part.status == HumanTask.Status.OPEN
    assert steps(instance) == []  # the engine waits for the signer
    page.goto(f"{base}/tasks/{back.pk}/")
    expect(page.get_by_test_id("closed-note")).to_be_visible()
    shoot("05-awaiting-the-signer")

    # 5. The district colleague finds the part in the inbox and agrees; the process moves on.
    _as(page, base, "reviewer")
    page.goto(f"{base}/inbox/")
    link = page.get_by_test_id("task-row").locator(f'a[href="/tasks/{part.pk}/"]')
    expect(link).to_have_count(1)
    shoot("06-signer-inbox")
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(f"{base}/tasks/{part.pk}/")
    expect(page.get_by_test_id("added-note")).to_be_visible()
    page.get_by_test_id("sign-opinion").fill("同意推荐。")
    shoot("07-signer-signs")
    with page.expect_navigation():
        page.get_by_test_id("sign-agree").click()
    expect(page.locator(".messages li.success")).to_be_visible()
    part.refresh_from_db()
    back.refresh_from_db()
    assert part.status == HumanTask.Status.COMPLETED
    assert back.status == HumanTask.Status.COMPLETED and back.completed_by_id == cast.office_a.pk
    assert steps(instance) == ["district_evaluation"]

    # 6. On another case, the operator recalls a step just completed.
    deploy_approval()
    other = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-J1", subject="校准", org_unit_code=OPERATOR_A
    )
    submit = open_task(other)
    _as(page, base, "operator_a")
    page.goto(f"{base}/tasks/{submit.pk}/")
    page.fill('input[name="f.title"]', "校准")
    page.fill('input[name="f.amount"]', "3")
    with page.expect_navigation():
        page.get_by_test_id("complete").click()
    expect(page.locator(".messages li.success")).to_be_visible()
    assert open_task(other).task_spec == "office_review"
    page.goto(f"{base}/tasks/{submit.pk}/")
    expect(page.get_by_test_id("recall")).to_be_visible()
    shoot("08-completed-step")
    with page.expect_navigation():
        page.get_by_test_id("recall").click()
    again = open_task(other)
    assert again.task_spec == "submit" and again.assignee_id == cast.operator_a.pk
    expect(page).to_have_url(f"{base}/tasks/{again.pk}/")
    expect(page.get_by_test_id("complete")).to_be_visible()
    shoot("09-recalled")

    # 7. The other office finds the copy under 抄送我的 and opens the approval record.
    copy = TaskCopy.objects.get(instance=instance, recipient=cast.office_b)
    assert copy.read_at is None
    _as(page, base, "office_b")
    page.goto(f"{base}/inbox/")
    with page.expect_navigation():
        page.get_by_test_id("tab-copied").click()
    row = page.get_by_test_id("list-row").filter(
        has=page.locator(f'a[href="/instances/{instance.pk}/record/"]')
    )
    expect(row).to_have_count(1)
    shoot("10-copied-to-me")
    with page.expect_navigation():
        row.locator(f'a[href="/instances/{instance.pk}/record/"]').click()
    expect(page).to_have_url(f"{base}/instances/{instance.pk}/record/")
    shoot("11-approval-record")
    copy.refresh_from_db()
    assert copy.read_at is not None
    journey_clicks("approval operations: return, resubmit, add signer, copy, recall")
