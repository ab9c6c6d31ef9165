"""The case page and receipt name catalogue items by their text; the code ("testing.1") is only a
tooltip."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.cases.support import submit
from tests.personas import Cast
from tests.web.inbox_support import client_for

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_catalogue_codes_stay_out_of_the_visible_text(cast: Cast, projects: Any) -> None:
    case = submit(projects[0], cast.operator_a)
    client = client_for(cast.operator_a, "zh-hans")
    for name in ("cases-detail", "cases-receipt"):
        html = client.get(reverse(name, args=[case.pk])).content.decode()
        assert 'title="testing.1"' in html, name
        assert "testing.1" not in visible_text(html), name
