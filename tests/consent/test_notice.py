"""The privacy notice page (/privacy/) in both languages, and where it is linked from."""

from __future__ import annotations

import pytest
from django.test import override_settings

from casemgmt.consent.notice import current_version
from casemgmt.models import ServiceProject
from tests.personas import Cast

from .support import client

pytestmark = pytest.mark.django_db
URL = "/privacy/"


def test_privacy_page_in_chinese_names_authority_contact_purpose_sharing_retention_and_rights() -> None:
    response = client(language="zh-hans").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for part in (
        "个人信息处理告知",
        f"版本 {current_version()}",
        "上海市松江区市场监督管理局",
        "NQI_PRIVACY_CONTACT",  # the default contact says it is to be configured
        "处理目的",
        "技术机构",
        "办结（含撤回、撤销）后 3 年",
        "查阅、复制",
        "撤回同意",
        "/my/personal-data/",
    ):
        assert part in html, part


def test_privacy_page_in_english() -> None:
    html = client(language="en").get(URL).content.decode()
    for part in (
        "Privacy notice",
        f"Version {current_version()}",
        "Songjiang District Administration for Market Regulation",
        "technical institution",
        "3 years after it ends",
        "withdraw your consent",
    ):
        assert part in html, part
    assert "个人信息处理告知" not in html


@override_settings(
    NQI_PRIVACY_CONTACT="松江区中山东路 1 号，电话 021-00000000",
    NQI_PRIVACY_CONTACT_EN="1 Zhongshan Road East, tel. 021-00000000",
    NQI_RETENTION_CASE_YEARS=5,
    NQI_PRIVACY_NOTICE_VERSION="2027-01",
)
def test_contact_retention_and_version_come_from_the_settings() -> None:
    chinese = client(language="zh-hans").get(URL).content.decode()
    assert "中山东路 1 号" in chinese and "后 5 年" in chinese and "版本 2027-01" in chinese
    english = client(language="en").get(URL).content.decode()
    assert "1 Zhongshan Road East" in english and "5 years after" in english


def test_every_intake_form_and_the_footer_link_to_the_notice(
    cast: Cast, projects: tuple[ServiceProject, ...]
) -> None:
    public = client().get("/public/intake/").content.decode()
    window = client(cast.operator_a).get("/cases/new/").content.decode()
    for html in (public, window):
        assert 'data-testid="notice-link"' in html and f'href="{URL}"' in html
        assert f'name="notice_version" value="{current_version()}"' in html
        assert 'name="consent"' in html
    assert "I have read and agree to the privacy notice" in public
    assert "has given its consent" in window
    for page in ("/public/status/", "/accounts/login/", "/"):
        html = client(cast.operator_a if page == "/" else None).get(page).content.decode()
        assert 'data-testid="footer-privacy"' in html, page
