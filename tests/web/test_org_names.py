"""Org units in the reader's language: the English name on an English page where one is given,
the Chinese otherwise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casemgmt.models import OrgUnit
from tests.personas import AREA_A, Cast
from tests.web.inbox_support import client_for

pytestmark = pytest.mark.django_db


def test_the_header_names_the_unit_in_the_pages_language(cast: Cast) -> None:
    OrgUnit.objects.filter(code=AREA_A).update(name_en="Fangsong Market Supervision Office")
    english = client_for(cast.office_a, "en").get(reverse("home")).content.decode()
    chinese = client_for(cast.office_a, "zh-hans").get(reverse("home")).content.decode()
    assert "Fangsong Market Supervision Office" in english
    assert "方松市场监管所" in chinese and "Fangsong Market Supervision Office" not in chinese


def test_without_an_english_name_the_chinese_one_stays(cast: Cast) -> None:
    english = client_for(cast.office_a, "en").get(reverse("home")).content.decode()
    assert "方松市场监管所" in english


def test_project_pages_name_the_office_and_organization_in_the_pages_language(cast: Cast) -> None:
    from tests.promotion.support import project_in

    project = project_in()
    OrgUnit.objects.filter(code=AREA_A).update(name_en="Fangsong Market Supervision Office")
    for name, args in (("promotion-project", [project.pk]), ("registry-project", [project.code])):
        english = client_for(cast.office_a, "en").get(reverse(name, args=args)).content.decode()
        chinese = client_for(cast.office_a, "zh-hans").get(reverse(name, args=args)).content.decode()
        assert "Fangsong Market Supervision Office" in english, name
        assert "方松市场监管所" in chinese and "Fangsong Market Supervision Office" not in chinese, name
