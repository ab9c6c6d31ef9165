"""Getting around in a real browser: the home page after signing in, the grouped menu with the
current section marked, the skip link, and the menu collapsed behind a button on a phone."""

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


def test_home_menu_and_skip_link_on_a_phone(
    page: Page, live_server: Any, cast: Cast, shoot: Callable[..., Path]
) -> None:
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base, "office_a", TEST_PASSWORD)
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_test_id("home-work")).to_be_visible()
    # On a phone the menu waits behind its button.
    expect(page.get_by_test_id("nav-inbox")).to_be_hidden()
    toggle = page.get_by_test_id("nav-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_test_id("nav-inbox")).to_be_visible()
    expect(page.get_by_test_id("nav-home")).to_have_attribute("aria-current", "page")
    shoot("01-phone-menu-open")
    with page.expect_navigation():
        page.get_by_test_id("nav-inbox").click()
    expect(page.get_by_test_id("nav-inbox")).to_have_attribute("aria-current", "page")
    # The first Tab stop is the skip link; following it puts the focus on the page's content.
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.get_by_test_id("nav-toggle")).to_be_hidden()
    expect(page.get_by_test_id("nav-inbox")).to_be_visible()
    shoot("02-desktop-menu")
