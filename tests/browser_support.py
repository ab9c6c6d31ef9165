"""Real-browser fixtures (a pytest plugin, loaded by tests/conftest.py): Playwright driving
Debian's chromium against Django's live server.

One plugin for every folder with browser tests: a session fixture defined (or imported) in two
test modules would start a second Playwright in the same process, which Playwright refuses.

Screenshots of every page a test visits are kept in test-artifacts/screenshots/<test>/ so a
person can look at what the test saw.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it are ordinary synchronous code, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("NQI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
CLICKS = ARTIFACTS.parent / "journey-clicks.json"
CLICK_COUNTER = """
document.addEventListener("click", function (event) {
  if (!event.isTrusted) { return; }
  var count = Number(sessionStorage.getItem("nqi-clicks") || "0");
  sessionStorage.setItem("nqi-clicks", String(count + 1));
}, true);
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    # Every real click (a person's, or Playwright's, which the page cannot tell apart) counted in
    # the tab's session storage, so a journey can say how many clicks it took (journey_clicks).
    context.add_init_script(CLICK_COUNTER)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture
def shoot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """Save a full-page screenshot under the test's name; returns the file."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str, target: Page | None = None) -> Path:
        path = folder / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.fixture
def signed_in(page: Page, live_server: Any) -> Callable[[str, str], Page]:
    def go(username: str, password: str) -> Page:
        sign_in(page, live_server.url, username, password)
        return page

    return go


@pytest.fixture
def journey_clicks(page: Page) -> Iterator[Callable[[str], int]]:
    """Call with the journey's name at its end: records the clicks it took in
    test-artifacts/journey-clicks.json (the figures the UX issue compares) and returns them."""

    def record(journey: str) -> int:
        count = int(page.evaluate("() => Number(sessionStorage.getItem('nqi-clicks') || '0')"))
        CLICKS.parent.mkdir(parents=True, exist_ok=True)
        # Two test processes may record at once: one at a time, under a lock on the file.
        with open(CLICKS.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            known = json.loads(CLICKS.read_text("utf-8")) if CLICKS.exists() else {}
            known[journey] = count
            CLICKS.write_text(json.dumps(known, ensure_ascii=False, indent=2), "utf-8")
        return count

    yield record
