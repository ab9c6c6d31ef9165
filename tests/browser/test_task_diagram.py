"""The task page's diagram in a real browser: zoom and fit, and a click on a step says when it ran
and who did it (from the approval record)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.cases import deploy_approval
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_zoom_and_a_clicked_step_tells_who_did_it(
    page: Page, live_server: Any, cast: Cast, shoot: Callable[..., Path]
) -> None:
    deploy_approval()
    case = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="DG-1", org_unit_code=OPERATOR_A
    )
    human_tasks.complete(
        case.human_tasks.get(status="open").pk, actor=cast.operator_a, data={"title": "检定", "amount": 1}
    )
    review = case.human_tasks.get(status="open")
    base = live_server.url
    sign_in(page, base, "office_a", TEST_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/tasks/{review.pk}/")
    diagram = page.get_by_test_id("diagram")
    expect(diagram).to_have_attribute("data-ready", "true")

    def scale() -> float:
        return float(
            page.evaluate(
                "() => document.querySelector('#task-diagram .viewport').transform.baseVal[0].matrix.a"
            )
        )

    before = scale()
    page.get_by_test_id("diagram-zoom-in").click()
    assert scale() > before
    page.get_by_test_id("diagram-fit").click()
    assert abs(scale() - before) < 0.01

    page.locator('#task-diagram g.djs-element[data-element-id="submit"]').click()
    step = page.get_by_test_id("diagram-step")
    expect(step).to_be_visible()
    expect(step).to_contain_text("operator_a")
    shoot("01-step-clicked")
    page.locator('#task-diagram g.djs-element[data-element-id="archive"]').click()
    expect(step).to_contain_text("尚未办理")


def test_the_instance_page_draws_the_diagram_too(
    page: Page, live_server: Any, cast: Cast, shoot: Callable[..., Path]
) -> None:
    deploy_approval()
    case = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="DG-2", org_unit_code=OPERATOR_A
    )
    human_tasks.complete(
        case.human_tasks.get(status="open").pk, actor=cast.operator_a, data={"title": "检定", "amount": 1}
    )
    base = live_server.url
    sign_in(page, base, "admin", TEST_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}{reverse('instance-admin-detail', args=[case.pk])}")
    diagram = page.get_by_test_id("diagram")
    expect(diagram).to_have_attribute("data-ready", "true")
    expect(
        page.locator('#task-diagram g.djs-element.current[data-element-id="office_review"]')
    ).to_have_count(1)
    expect(page.locator('#task-diagram g.djs-element.done[data-element-id="submit"]')).to_have_count(1)
    page.locator('#task-diagram g.djs-element[data-element-id="submit"]').click()
    expect(page.get_by_test_id("diagram-step")).to_contain_text("operator_a")
    shoot("02-instance-diagram")
