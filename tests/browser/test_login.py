"""Signing in, the header, the language switch and the lockout, as a person sees them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import sign_in
from tests.factories import TEST_PASSWORD
from tests.personas import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wrong_password_then_right_one(
    page: Page, live_server: Any, cast: Cast, shoot: Callable[[str], Path]
) -> None:
    sign_in(page, live_server.url, "office_a", "wrong")
    expect(page.locator(".error")).to_be_visible()
    shoot("login-error")
    sign_in(page, live_server.url, "office_a", TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")  # the role's home page
    expect(page.get_by_test_id("current-user")).to_have_text("office_a")
    header = page.locator("header").inner_text()
    assert "方松市场监管所" in header and "市场监管所" in header
    expect(page.get_by_test_id("open-count")).to_be_visible()
    shoot("inbox")


def test_language_switch(page: Page, live_server: Any, cast: Cast, shoot: Callable[[str], Path]) -> None:
    sign_in(page, live_server.url, "operator_a", TEST_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with page.expect_navigation():
        page.get_by_test_id("language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shoot("english")


def test_lockout_after_repeated_failures(page: Page, live_server: Any, cast: Cast) -> None:
    for _ in range(5):
        sign_in(page, live_server.url, "reviewer", "nope")
    sign_in(page, live_server.url, "reviewer", TEST_PASSWORD)
    expect(page.locator(".error")).to_be_visible()
    assert "/inbox/" not in page.url
