"""The registry pages as users meet them: public directory and lookups, coverage, forms, scoped lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from casemgmt.models import Enterprise, Membership, OrgUnit
from casemgmt.registry.seed import load_registry
from casemgmt.registry.web.common import display_phone
from tests.factories import make_institution, make_user
from tests.personas import Cast
from tests.registry import world

pytestmark = pytest.mark.django_db


def client(user: object = None, language: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        c.force_login(user)  # type: ignore[arg-type]
    return c


def test_public_directory_is_anonymous_and_hides_private_phones(cast: Cast) -> None:
    world.station_a()
    page = client().get(reverse("registry-public-directory"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "方松质量服务站" in html and "一楼3号窗口" in html and "021 5781 2345" in html  # complaint phone
    assert "公开联系人" in html and display_phone(world.PUBLIC_PHONE) in html
    assert display_phone(world.PRIVATE_PHONE) not in html and world.PRIVATE_PHONE not in html
    assert "内部专员" not in html
    assert "计量" in html  # a published item's catalogue text


def test_public_directory_division_filter(cast: Cast) -> None:
    world.station_a()
    world.division("div-yy", "岳阳街道", "office-yueyang")
    assert (
        "方松测试服务项目"
        in client().get(reverse("registry-public-directory"), {"division": "div-fs"}).content.decode()
    )
    assert (
        "方松测试服务项目"
        not in client().get(reverse("registry-public-directory"), {"division": "div-yy"}).content.decode()
    )


def test_public_lookups_switch_by_kind_and_match_chinese_substrings(db: None) -> None:
    make_institution(kind="metrology", name="甲计量所", capabilities="计量检定：压力表")
    make_institution(kind="testing", name="乙检测", capabilities="食品检测")
    make_institution(kind="ip_agency", name="丙代理", capabilities="专利代理 计量检定")
    url = reverse("registry-public-institutions")
    metrology = client().get(url, {"kind": "metrology", "q": "检定"})
    assert metrology.status_code == 200
    assert "甲计量所" in metrology.content.decode() and "乙检测" not in metrology.content.decode()
    assert "计量检定能力查询" in metrology.content.decode()
    everything = client().get(url, {"q": "检定"}).content.decode()
    assert "丙代理" not in everything  # IP agencies are not one of the three public lookups
    assert "乙检测" in client().get(url, {"kind": "testing"}).content.decode()


def test_project_list_shows_coverage_gaps() -> None:
    load_registry()
    user = make_user(username="viewer")
    Membership.objects.create(
        user=user, org_unit=OrgUnit.objects.get(code="office-zhongshan"), role="office_staff"
    )
    page = client(user).get(reverse("registry-projects"))
    assert page.status_code == 200
    coverage = page.content.decode().split('data-testid="coverage"')[1]
    assert "中山街道" in coverage and "方松街道" not in coverage


def test_project_detail_edit_links_only_for_editors(cast: Cast) -> None:
    world.station_a()
    url = reverse("registry-project", kwargs={"code": "reg-project-a"})
    for persona, editable in (
        ("operator_a", True),
        ("office_a", True),
        ("office_b", False),
        ("reviewer", False),
    ):
        html = client(getattr(cast, persona)).get(url).content.decode()
        assert ('data-testid="edit-station"' in html) is editable, persona
        assert display_phone(world.PRIVATE_PHONE) in html  # staff see the whole roster
    assert "方松路1号" in html


def test_station_form_shows_inline_errors_and_keeps_input(cast: Cast) -> None:
    url = reverse("registry-station-create", kwargs={"code": world.project_a().code})
    page = client(cast.operator_a).post(
        url, {"name": "站", "address": "", "complaint_phone": "123", "published_items": ["testing.2"]}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert 'data-testid="error-address"' in html and 'data-testid="error-complaint_phone"' in html
    assert 'value="testing.2" checked' in html and 'value="站"' in html
    english = client(cast.operator_a, "en").post(url, {"name": "", "address": "x"}).content.decode()
    assert "This field is required." in english


def test_station_edit_saves(cast: Cast) -> None:
    station = world.station_a()
    url = reverse("registry-station-edit", kwargs={"pk": station.pk})
    response = client(cast.office_a).post(
        url, {"name": "方松质量服务站", "address": "新地址", "published_items": ["quality.1"]}
    )
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.address == "新地址" and station.published_items == ["quality.1"] and not station.active


def test_enterprise_list_is_scoped_and_searchable(cast: Cast) -> None:
    a, b = world.enterprise_a(), world.enterprise_b()
    url = reverse("registry-enterprises")

    def listed(persona: str, **query: str) -> set[str]:
        html = client(getattr(cast, persona)).get(url, query).content.decode()
        return {e.name for e in (a, b) if e.credit_code in html}

    assert listed("reviewer") == {a.name, b.name}
    assert listed("office_a") == {a.name}  # located in A's division (and served by A's project)
    assert listed("office_b") == {b.name}
    assert listed("operator_a") == {a.name}  # has a case of operator A's project
    assert listed("operator_b") == set()
    assert listed("reviewer", q=b.credit_code[-6:].lower()) == {b.name}
    assert listed("reviewer", q="方松") == {a.name}


def test_enterprise_edit_clears_and_validates(cast: Cast) -> None:
    enterprise = world.enterprise_a()
    url = reverse("registry-enterprise-edit", kwargs={"credit_code": enterprise.credit_code})
    bad = client(cast.office_a).post(
        url, {"name": "", "phone": "12", "size_class": "giant", "division_code": "x"}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    for field in ("name", "phone", "size_class", "division_code"):
        assert f'data-testid="error-{field}"' in html
    assert Enterprise.objects.get(pk=enterprise.pk).name == "方松测试企业"
    ok = client(cast.office_a).post(url, {"name": "方松新名", "phone": "", "division_code": "div-fs"})
    assert ok.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.phone, enterprise.size_class) == ("方松新名", "", "")
