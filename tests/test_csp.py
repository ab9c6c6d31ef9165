"""Content-Security-Policy: the header on every response, and markup that needs no exception to it.

The policy (config/settings.py CONTENT_SECURITY_POLICY) allows no inline script and no inline
style. Two nets keep it that way: every template in the project is grepped for inline <script>,
<style>, on*= handlers, style="" and javascript: URLs, and every page of the page permission
matrix is rendered and its HTML parsed for the same (catching markup made in Python too).
Browsers enforcing it are tested in tests/browser/test_csp_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.matrix import PAGE_ROWS
from tests.personas import Cast
from tests.web.page_matrix_rows import MATRIX as CORE_ROWS
from tests.web.page_matrix_rows import World
from workflows import registry
from workflows.models import ProcessModelVersion

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "node_modules", "var", ".git", "test-artifacts"}

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {d[0]: (d[1] if len(d) > 1 else "") for d in directives}


def project_templates() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            yield path


# --- the grep over templates ------------------------------------------------------------------

_TAG = re.compile(r"<(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:[^>{]|\{[^}]*\})*)>", re.S)
_SCRIPT_ALLOWED = re.compile(r"""\bsrc\s*=|\btype\s*=\s*["']application/json["']""")
_HANDLER = re.compile(r"""(?:^|\s)on[a-z]+\s*=""", re.I)
_STYLE_ATTR = re.compile(r"""(?:^|\s)style\s*=""", re.I)
_JS_URL = re.compile(r"""=\s*["']\s*javascript:""", re.I)


_COMMENTS = re.compile(r"\{#.*?#\}|\{% *comment *%\}.*?\{% *endcomment *%\}|<!--.*?-->", re.S)


def template_violations(text: str) -> list[str]:
    found = []
    for match in _TAG.finditer(_COMMENTS.sub("", text)):
        name, attrs = match["name"].lower(), match["attrs"]
        if name == "script" and not _SCRIPT_ALLOWED.search(attrs):
            found.append(f"inline <script>: {match[0][:80]}")
        if name == "style":
            found.append("inline <style> element")
        if _HANDLER.search(attrs):
            found.append(f"on*= handler: {match[0][:80]}")
        if _STYLE_ATTR.search(attrs):
            found.append(f"style attribute: {match[0][:80]}")
        if _JS_URL.search(attrs):
            found.append(f"javascript: URL: {match[0][:80]}")
    return found


def test_the_template_grep_finds_what_it_looks_for() -> None:
    # The net itself: each kind of inline code is caught, the allowed forms are not.
    bad = (
        "<script>alert(1)</script>",
        '<button onclick="go()">',
        "<select name=x onchange='this.form.submit()'>",
        '<td style="white-space:nowrap">',
        "<style>.x{}</style>",
        '<a href="javascript:void(0)">',
        '<script type="text/javascript">x()</script>',
    )
    for snippet in bad:
        assert template_violations(snippet), snippet
    good = (
        "<script src=\"{% static 'js/app.js' %}\" defer></script>",
        '<script id="d" type="application/json">{}</script>',
        '<select data-autosubmit name="{% if x > 1 %}a{% endif %}">',
        '<button data-print type="button">',
        '<p class="muted">tonight, style and onions</p>',
        "{# no <style> here #}{% comment %}<script>x()</script>{% endcomment %}",
    )
    for snippet in good:
        assert template_violations(snippet) == [], snippet


def test_no_template_contains_inline_script_or_style() -> None:
    templates = list(project_templates())
    assert len(templates) > 50, "the walk found too few templates to be looking in the right place"
    offenders = {
        str(path.relative_to(ROOT)): problems
        for path in templates
        if (problems := template_violations(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, offenders


# --- the header --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_and_errors_send_the_policy(cast: Cast) -> None:
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    responses = {
        "login": anonymous.get(reverse("login")),
        "public intake": anonymous.get(reverse("public-intake")),
        "inbox": signed_in.get(reverse("inbox")),
        "404 page": anonymous.get("/no-such-page/"),
        "404 API": signed_in.get("/api/no-such-endpoint/"),
    }
    for what, response in responses.items():
        header = response.get("Content-Security-Policy")
        assert header, f"{what}: no Content-Security-Policy"
        directives = policy(header)
        for name, value in EXPECTED_DIRECTIVES.items():
            assert directives.get(name) == value, (what, name, directives.get(name))
        assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, (what, header)


# --- every page of the matrix, rendered --------------------------------------------------------


class InlineCodeFinder(HTMLParser):
    """Collects what the policy would block in a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and "src" not in named and named.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


MATRIX = {**CORE_ROWS, **PAGE_ROWS}
# Each page once, as the first persona its GET row lets in.
PAGES = sorted(
    (name, index, next(p for p, status in check.expect.items() if status == 200))
    for name, checks in MATRIX.items()
    for index, check in enumerate(checks)
    if check.method == "get" and 200 in check.expect.values()
)


def test_the_page_walk_covers_the_site() -> None:
    assert len({name for name, _, _ in PAGES}) >= 40, len(PAGES)


@pytest.fixture
def world(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], monkeypatch: Any) -> World:
    built = World(cast, deploy_fixture)
    monkeypatch.setitem(registry._registry.handlers, "test_record", built.record_handler)
    return built


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index", "persona"), PAGES, ids=[f"{n}-{i}" for n, i, _ in PAGES])
def test_rendered_page_has_no_inline_script_or_style(
    name: str, index: int, persona: str, world: World, cast: Cast
) -> None:
    check = MATRIX[name][index]
    if check.setup is not None:
        check.setup(world)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "anonymous":
        client.force_login(getattr(cast, persona), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse(name, kwargs=check.kwargs(world)), check.body)
    assert response.status_code == 200, (name, persona, response.status_code)
    assert response.get("Content-Security-Policy"), name
    if response["Content-Type"].startswith("text/html"):
        assert inline_code(response.content.decode()) == [], name


@pytest.mark.django_db
def test_swagger_ui_needs_no_inline_code(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.admin, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert inline_code(page.content.decode()) == []
    # Its start-up script is served by the same view as a file (SpectacularSwaggerSplitView).
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
