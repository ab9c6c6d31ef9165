"""Notice and consent on every intake channel (issue 19 item 2): one consent record per case with
the notice version and channel; a missing or outdated consent is refused with nothing stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.consent.notice import current_version
from casemgmt.models import ConsentRecord, ServiceCase, ServiceProject
from tests.personas import Cast

from .support import api_consent, client, fields, form_consent, written

pytestmark = pytest.mark.django_db
PUBLIC = "/public/intake/"
WINDOW = "/cases/new/"
API = "/api/cases/intake/"
OLD = "2020-01"


def only_consent() -> ConsentRecord:
    """The one consent stored, with its case."""
    consents = list(ConsentRecord.objects.select_related("case", "enterprise"))
    assert len(consents) == 1, consents
    return consents[0]


def assert_recorded(channel: str, recorded_by: Any) -> ConsentRecord:
    consent = only_consent()
    case = ServiceCase.objects.get()
    assert consent.case == case and consent.enterprise_id == case.enterprise_id
    assert consent.notice_version == current_version() and consent.channel == channel
    assert consent.recorded_by == recorded_by
    submitted = AuditEvent.objects.get(action=Action.CASE_SUBMITTED, target_id=case.case_no)
    assert submitted.after is not None and submitted.after["consent"] == {
        "notice_version": current_version(),
        "channel": channel,
    }
    return consent


def test_public_submission_records_the_public_channel(projects: tuple[ServiceProject, ...]) -> None:
    response = client().post(PUBLIC, {**fields(), **form_consent()})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_recorded("public", None)


def test_signed_in_enterprise_user_is_recorded_with_the_online_channel(
    cast: Cast, projects: tuple[ServiceProject, ...]
) -> None:
    response = client(cast.enterprise_a).post(PUBLIC, {**fields(), **form_consent()})
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = assert_recorded("online", cast.enterprise_a)
    # The signed-in user is recorded with the consent only: the case stays an anonymous online one.
    assert consent.case.submitted_by is None and consent.case.channel == "online"


def test_window_intake_records_the_operator_who_informed_the_enterprise(
    cast: Cast, projects: tuple[ServiceProject, ...]
) -> None:
    operator = client(cast.operator_a)
    response = operator.post(WINDOW, {**fields(), **form_consent()})
    assert response.status_code == 302, response.content.decode()[:3000]
    consent = assert_recorded("window", cast.operator_a)
    receipt = operator.get(reverse("cases-receipt", kwargs={"pk": consent.case_id})).content.decode()
    # The printed receipt carries the notice in brief and where to read it in full.
    assert 'data-testid="notice-short"' in receipt and "http://127.0.0.1:8000/privacy/" in receipt
    assert f"version {current_version()}" in receipt


def test_api_intake_records_the_api_channel(
    cast: Cast, projects: tuple[ServiceProject, ...], api: Callable[[Any], APIClient]
) -> None:
    response = api(cast.operator_a).post(API, {**fields(), **api_consent()}, format="json")
    assert response.status_code == 201, response.content
    assert_recorded("api", cast.operator_a)


def test_public_form_without_the_tick_is_refused_and_kept(projects: tuple[ServiceProject, ...]) -> None:
    before = written()
    body = {**fields(), "notice_version": current_version()}  # shown, not ticked
    response = client().post(PUBLIC, body)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-consent"' in html and "tick the box" in html
    assert "上海松江告知测试有限公司" in html  # the form is kept
    assert written() == before


def test_public_form_with_an_old_notice_shows_the_new_one_and_asks_again(
    projects: tuple[ServiceProject, ...],
) -> None:
    before = written()
    response = client(language="zh-hans").post(PUBLIC, {**fields(), **form_consent(OLD)})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"已更新为 {current_version()} 版" in html
    # The page now carries the current version, and the box is to be ticked again.
    assert re.search(rf'name="notice_version" value="{current_version()}"', html)
    box = re.search(r'<input[^>]*name="consent"[^>]*>', html)
    assert box is not None and "checked" not in box.group(0)
    assert "周经理" in html
    assert written() == before
    # Ticked on the new notice, the same request goes through.
    assert client().post(PUBLIC, {**fields(), **form_consent()}).status_code == 302


def test_window_form_without_the_operators_confirmation_is_refused(
    cast: Cast, projects: tuple[ServiceProject, ...]
) -> None:
    before = written()
    response = client(cast.operator_a).post(WINDOW, {**fields(), "notice_version": current_version()})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-consent"' in html and "informed of the privacy notice" in html
    assert written() == before
    old = client(cast.operator_a).post(WINDOW, {**fields(), **form_consent(OLD)})
    assert old.status_code == 400 and "now version" in old.content.decode()
    assert written() == before


def test_api_consent_missing_is_400_with_a_clear_message(
    cast: Cast, projects: tuple[ServiceProject, ...], api: Callable[[Any], APIClient]
) -> None:
    before = written()
    response = api(cast.operator_a).post(API, fields(), format="json")
    assert response.status_code == 400
    refusal = response.json()
    [error] = [e for e in refusal["fields"] if e["field"] == "consent"]
    assert error["code"] == "required"
    assert "consent" in error["message_en"] and current_version() in error["message_en"]
    assert "consent" in error["message"]
    assert written() == before
    # An empty object or a blank version is missing too.
    bodies: list[dict[str, Any]] = [{"consent": {}}, {"consent": {"notice_version": " "}}]
    for body in bodies:
        again = api(cast.operator_a).post(API, {**fields(), **body}, format="json")
        assert again.status_code == 400 and again.json()["fields"][0]["code"] == "required"
    assert written() == before


def test_api_consent_to_an_old_notice_is_400(
    cast: Cast, projects: tuple[ServiceProject, ...], api: Callable[[Any], APIClient]
) -> None:
    before = written()
    response = api(cast.operator_a).post(API, {**fields(), **api_consent(OLD)}, format="json")
    assert response.status_code == 400
    [error] = response.json()["fields"]
    assert error["field"] == "consent" and error["code"] == "outdated"
    assert error["current_version"] == current_version() and OLD in error["message_en"]
    assert written() == before


def test_a_new_notice_version_asks_again(cast: Cast, projects: tuple[ServiceProject, ...]) -> None:
    """What the current version accepted yesterday is an old version once the notice changes."""
    accepted = form_consent()
    with override_settings(NQI_PRIVACY_NOTICE_VERSION="2027-06"):
        before = written()
        response = client().post(PUBLIC, {**fields(), **accepted})
        assert response.status_code == 400 and "2027-06" in response.content.decode()
        assert written() == before
        assert client().post(PUBLIC, {**fields(), **form_consent()}).status_code == 302
        assert only_consent().notice_version == "2027-06"


def test_an_idempotent_retry_stores_no_second_consent(
    cast: Cast, projects: tuple[ServiceProject, ...], api: Callable[[Any], APIClient]
) -> None:
    body = {**fields(), **api_consent(), "idempotency_key": "consent-retry"}
    assert api(cast.operator_a).post(API, body, format="json").status_code == 201
    assert api(cast.operator_a).post(API, body, format="json").status_code == 200
    assert ConsentRecord.objects.count() == 1


def test_case_page_shows_the_consent_to_staff_only(cast: Cast, projects: tuple[ServiceProject, ...]) -> None:
    client(cast.operator_a).post(WINDOW, {**fields(), **form_consent()})
    case = ServiceCase.objects.get()
    case.enterprise.org_unit = cast.enterprise_a.memberships.get().org_unit
    case.enterprise.save(update_fields=["org_unit"])
    url = reverse("cases-detail", kwargs={"pk": case.pk})
    staff = client(cast.operator_a, "zh-hans").get(url).content.decode()
    shown = re.search(r'data-testid="case-consent">([^<]*)<', staff)
    assert shown is not None
    assert current_version() in shown.group(1) and "服务窗口" in shown.group(1) and "已同意" in shown.group(1)
    own = client(cast.enterprise_a).get(url)
    assert own.status_code == 200 and 'data-testid="case-consent"' not in own.content.decode()
