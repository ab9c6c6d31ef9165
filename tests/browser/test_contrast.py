"""WCAG AA colour contrast on every kind of page, checked by axe-core in the browser, for the
roles that see them (zh-hans). The script is evaluated through the DevTools protocol, which the
page's Content-Security-Policy does not govern; nothing is added to the page itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from notifications.delivery import deliver
from tests.approvals.support import deploy_approval
from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

PAGES: dict[str, list[str]] = {
    "office_a": ["/", "/inbox/", "/inbox/?tab=completed", "/board/", "/cases/", "/scorecard/", "/phrases/"],
    "admin": ["/", "/studio/", "/instances/", "/audit/"],
    "enterprise_a": ["/", "/cases/"],
}
PUBLIC = ["/public/intake/", "/public/status/", "/accounts/login/"]


def contrast_violations(page: Page) -> list[str]:
    page.evaluate(AXE.read_text("utf-8"))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: "rule", values: ["color-contrast"]}});
            const checked = result.passes.reduce((n, rule) => n + rule.nodes.length, 0);
            return {
                checked: checked,
                violations: result.violations.flatMap(
                    v => v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary)),
            };
        }"""
    )
    # A check that looked at nothing would pass anything: every page has text to check.
    assert found["checked"] > 0, page.url
    return [str(item) for item in found["violations"]]


def test_every_page_meets_aa_contrast(
    page: Page, live_server: Any, cast: Cast, shoot: Callable[..., Path]
) -> None:
    deploy_approval()
    case = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="AX-1", org_unit_code=OPERATOR_A
    )
    task = case.human_tasks.get(status="open")
    human_tasks.complete(
        task.pk, actor=cast.operator_a, data={"title": "检定", "amount": 1}, opinion="请审核"
    )
    deliver()  # office_a has an unread notification: the header's badge is checked too
    base = live_server.url
    problems: dict[str, list[str]] = {}
    for path in PUBLIC:
        page.goto(base + path)
        problems[path] = contrast_violations(page)
    for persona, paths in PAGES.items():
        page.context.clear_cookies()
        sign_in(page, base, persona, TEST_PASSWORD)
        page.wait_for_url(f"{base}/")
        extra = (
            [f"/tasks/{case.human_tasks.get(status='open').pk}/", f"/instances/{case.pk}/record/"]
            if persona == "office_a"
            else []
        )
        for path in paths + extra:
            page.goto(base + path)
            problems[f"{persona} {path}"] = contrast_violations(page)
    failing = {where: found for where, found in problems.items() if found}
    assert failing == {}, failing
