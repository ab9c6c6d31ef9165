"""The menu: grouped by job, only what the user may open, the current section marked; the API
documentation for process admins only; a skip link on every page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.personas import Cast
from tests.web.inbox_support import client_for

pytestmark = pytest.mark.django_db


def entries(user: object, path: str = "/") -> tuple[list[str], list[str]]:
    html = client_for(user).get(path).content.decode()
    nav = html[html.index('id="mainnav"') : html.index("</nav>", html.index('id="mainnav"'))]
    shown = re.findall(r'data-testid="(nav-[\w-]+)"', nav)
    current = re.findall(r'data-testid="(nav-[\w-]+)" class="current" aria-current="page"', nav)
    return shown, current


def test_the_api_docs_are_in_the_process_admins_menu_only(cast: Cast) -> None:
    assert "nav-api" in entries(cast.admin)[0]
    for persona in (cast.enterprise_a, cast.operator_a, cast.office_a, cast.auditor, cast.stranger):
        assert "nav-api" not in entries(persona)[0]


def test_the_enterprise_menu_offers_its_own_pages_only(cast: Cast) -> None:
    shown, _current = entries(cast.enterprise_a)
    assert "nav-studio" not in shown and "nav-audit" not in shown and "nav-home" in shown
    for testid in shown:  # every entry opens
        href = re.search(
            rf'href="([^"]+)" data-testid="{testid}"', client_for(cast.enterprise_a).get("/").content.decode()
        )
        assert href is not None
        assert client_for(cast.enterprise_a).get(href.group(1)).status_code == 200, testid


def test_the_current_section_is_marked(cast: Cast) -> None:
    assert entries(cast.office_a, "/")[1] == ["nav-home"]
    assert entries(cast.office_a, reverse("inbox"))[1] == ["nav-inbox"]
    assert entries(cast.office_a, reverse("inbox") + "?tab=overdue")[1] == ["nav-inbox"]
    assert entries(cast.admin, reverse("instance-admin"))[1] == ["nav-instances"]


def test_every_page_has_a_skip_link_to_its_content(cast: Cast) -> None:
    html = client_for(cast.office_a).get(reverse("inbox")).content.decode()
    assert 'class="skip-link" href="#main"' in html and '<main class="page" id="main"' in html
