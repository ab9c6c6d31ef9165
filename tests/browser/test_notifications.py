"""Notifications in a real browser: the badge, the list, opening one, and the move of an instance
to a newer version from its page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from notifications.delivery import deliver
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast
from workflows.deploy import deploy
from workflows.models import ProcessInstance

from .cases import deploy_approval, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]


def test_an_approver_sees_the_new_task_in_the_badge_and_opens_it(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    deploy_approval()
    _case, task = submitted_case(cast, "SQ-301", "流量计校准申请")
    deliver()  # what the beat job does every minute
    sign_in(page, live_server.url, "office_a", TEST_PASSWORD)
    badge = page.get_by_test_id("unread-notifications").locator(".badge")
    expect(badge).to_have_text("1")
    page.get_by_test_id("unread-notifications").click()
    items = page.get_by_test_id("notifications").locator("li.unread")
    expect(items).to_have_count(1)
    shoot("01-notifications")
    with page.expect_navigation():
        items.first.locator("button").click()
    assert page.url.endswith(f"/tasks/{task.pk}/")
    expect(page.get_by_test_id("unread-notifications").locator(".badge")).to_have_count(0)


def test_an_admin_moves_an_instance_to_the_new_version_from_its_page(
    page: Page, live_server: Any, cast: Cast, shoot: Shoot
) -> None:
    v1 = deploy_approval()
    case, _task = submitted_case(cast, "SQ-302", "压力表检定申请")
    files = dict(v1.files)
    files["approval.bpmn"] = files["approval.bpmn"].replace('name="市场监管所审核"', 'name="市场监管所初审"')
    assert deploy(files, actor=None, model_key="approval").created
    sign_in(page, live_server.url, "admin", TEST_PASSWORD)
    page.goto(f"{live_server.url}/instances/{case.pk}/")
    card = page.get_by_test_id("migration")
    expect(card.get_by_test_id("migration-plan")).to_contain_text("office_review")
    shoot("02-migration-plan")
    form = card.get_by_test_id("action-migrate")
    form.locator("textarea[name=reason]").fill("环节更名")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("migration")).to_have_count(0)
    expect(page.get_by_test_id("open-tasks")).to_contain_text("市场监管所初审")
    assert ProcessInstance.objects.get(pk=case.pk).version.number == 2
