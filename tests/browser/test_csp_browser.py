"""The Content-Security-Policy in a real browser: the main pages, the diagram (bpmn-js), htmx and
Swagger UI work under it and the browser reports no violation, and the behaviour that moved out of
inline handlers (language switch, select filters, double-submit guard) still works.

Violations are caught twice: the `securitypolicyviolation` events (recorded by an init script,
which the page's policy does not govern) and chromium's console messages about the policy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast

from .cases import deploy_approval, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Shoot = Callable[..., Path]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


class Violations:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> None:
        self.page.goto(url)
        self.assert_none(url)

    def assert_none(self, where: str) -> None:
        self.page.wait_for_load_state("load")
        events = self.page.evaluate("window.__cspViolations || []")
        assert events == [] and self.console == [], (where, events, self.console)


@pytest.fixture
def violations(page: Page) -> Violations:
    return Violations(page)


def test_public_pages_work_under_the_policy(
    page: Page, live_server: Any, violations: Violations, shoot: Shoot
) -> None:
    base = live_server.url
    for path in ("/accounts/login/", "/public/intake/", "/public/status/", "/directory/", "/no-such-page/"):
        violations.visit(base + path)
    shoot("public")
    # The language switch submits on change (static/js/app.js, was an onchange attribute).
    violations.visit(base + "/accounts/login/")
    with page.expect_navigation():
        page.get_by_test_id("language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    violations.assert_none("after switching the language")


def test_the_double_submit_guard_still_holds(page: Page, live_server: Any, violations: Violations) -> None:
    # static/js/app.js (data-submit-once; was an inline script): once submitted, the button is
    # disabled, so a second click cannot send the form again.
    violations.visit(f"{live_server.url}/public/intake/")
    button = page.get_by_test_id("intake-form").locator("button[type=submit]")
    expect(button).to_be_enabled()
    page.evaluate(
        """() => {
            // Keep the page (no navigation): cancel the submission before the browser sends it.
            window.addEventListener("submit", (event) => event.preventDefault(), true);
            const form = document.querySelector("[data-testid=intake-form]");
            form.noValidate = true;
            form.requestSubmit();
        }"""
    )
    expect(button).to_be_disabled()
    violations.assert_none("intake submit")


def test_signed_in_pages_diagram_and_api_docs_work_under_the_policy(
    page: Page, live_server: Any, cast: Cast, violations: Violations, shoot: Shoot
) -> None:
    deploy_approval()
    _, review = submitted_case(cast, "SQ-201", "计量器具检定申请")
    base = live_server.url
    sign_in(page, base, "office_a", TEST_PASSWORD)
    expect(page).to_have_url(f"{base}/")  # the role's home page
    violations.assert_none("home")
    violations.visit(f"{base}/inbox/")

    violations.visit(f"{base}/tasks/{review.pk}/")
    # bpmn-js drew the diagram (an SVG inside the container), not the "unavailable" note.
    expect(page.locator("#task-diagram svg").first).to_be_visible()
    expect(page.locator("#task-diagram-note")).to_be_hidden()
    shoot("task-diagram")
    violations.assert_none("task page with diagram")

    for path in ("/board/", "/cases/", "/registry/projects/", "/notifications/", "/no-such-page/"):
        violations.visit(base + path)

    # The project list's level filter submits on change (was an onchange attribute).
    violations.visit(f"{base}/registry/projects/")
    select = page.locator("select[name=level]")
    value = select.locator("option").nth(1).get_attribute("value") or ""
    with page.expect_navigation():
        select.select_option(value)
    assert f"level={value}" in page.url
    violations.assert_none("project filter")

    # Swagger UI (drf-spectacular's split view: its start-up script is a file).
    violations.visit(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info").first).to_be_visible()
    shoot("api-docs")
    violations.assert_none("api docs")


def test_admin_and_audit_pages_work_under_the_policy(
    page: Page, live_server: Any, cast: Cast, violations: Violations
) -> None:
    base = live_server.url
    violations.visit(f"{base}/admin/login/")
    sign_in(page, base, "admin", TEST_PASSWORD)
    for path in ("/audit/", "/instances/"):
        violations.visit(base + path)
    # htmx: "verify now" swaps the verification panel in (its indicator CSS is in app.css now).
    verify = page.locator("[hx-post]").first
    if verify.count():
        verify.click()
        page.wait_for_load_state("networkidle")
    violations.assert_none("audit verify")
