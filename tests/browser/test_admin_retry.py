"""A process admin's journey from the home page to a retried instance: the instance in error is
listed on the home page, its page says where it failed (the diagram marks the step), a retry that
fails again says so, and once the cause is fixed a retry carries it on. Counted in clicks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.handlers import record_handler
from tests.personas import AREA_A, Cast
from workflows import human_tasks, instances, registry
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_finds_the_failed_instance_and_retries_it(
    page: Page,
    live_server: Any,
    cast: Cast,
    deploy_fixture: Callable[[str], ProcessModelVersion],
    monkeypatch: pytest.MonkeyPatch,
    shoot: Callable[..., Path],
    journey_clicks: Callable[[str], int],
) -> None:
    deploy_fixture("service_step")
    broken = instances.start_instance(
        "service_step",
        actor=cast.office_a,
        org_unit_code=AREA_A,
        business_key="ERR-7",
        subject="登记失败的申请",
    )
    task = broken.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=cast.office_a, data={"label": "bad", "fail": True})
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.get_by_test_id("home-error").get_by_role("link").click()
    expect(page.get_by_test_id("instance-status")).to_have_text("出错")
    shoot("01-instance-in-error")
    retry = page.get_by_test_id("action-retry")
    retry.get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("再次出错")
    expect(page.get_by_test_id("instance-status")).to_have_text("出错")
    # The cause fixed (the handler now succeeds): the retry carries the instance on.
    monkeypatch.setitem(
        registry._registry.handlers,
        "test_record",
        lambda call: record_handler(
            registry.ServiceCall(call.instance, call.task_spec_id, {**call.params, "fail": False}, call.data)
        ),
    )
    retry = page.get_by_test_id("action-retry")
    retry.locator("textarea").fill("已修复登记服务")
    retry.get_by_role("button").click()
    expect(page.get_by_test_id("instance-status")).to_have_text("运行中")
    shoot("02-retried")
    assert ProcessInstance.objects.get(pk=broken.pk).status == InstanceStatus.RUNNING
    journey_clicks("process admin: from the home page to a retried instance")
