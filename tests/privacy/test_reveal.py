"""Masked by default on the pages, revealed per record with a reason: one access record a reveal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casemgmt.reveal import fields
from tests.personas import Cast
from tests.privacy import masked_world as mw

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(cast: Cast) -> mw.World:
    return mw.build()


def reveal(
    client: Client, subject: str, pk: Any, field: str, reason: str = "核对联系方式", **extra: Any
) -> Any:
    body = {"subject": subject, "id": pk, "field": field, "reason": reason}
    return client.post(reverse("personal-reveal"), body, **extra)


def test_the_case_page_masks_for_staff_and_offers_the_reveal(cast: Cast, world: mw.World) -> None:
    html = mw.client_for(cast.operator_a).get(reverse("cases-detail", args=[world.case.pk])).content.decode()
    assert mw.CASE_PHONE_MASKED in html
    assert mw.CASE_CONTACT_MASKED in html
    assert mw.ADDRESS_MASKED in html
    mw.assert_masked(html)
    assert 'data-testid="reveal-form-contact_phone"' in html
    assert "查看完整信息" in html


def test_the_enterprise_sees_its_own_contact_in_full_on_its_case_page(cast: Cast, world: mw.World) -> None:
    html = (
        mw.client_for(cast.enterprise_a).get(reverse("cases-detail", args=[world.case.pk])).content.decode()
    )
    assert mw.CASE_PHONE_SHOWN in html
    assert mw.CASE_CONTACT in html
    assert mw.ADDRESS in html
    assert "reveal-form" not in html


def test_a_reveal_answers_the_value_and_records_exactly_one_access(cast: Cast, world: mw.World) -> None:
    response = reveal(mw.client_for(cast.operator_a), "case", world.case.pk, "contact_phone", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert mw.CASE_PHONE_SHOWN in html
    assert f'id="personal-case-{world.case.pk}-contact_phone"' in html  # swapped in place
    [record] = mw.records("reveal")
    assert (record.actor_id, record.actor_name) == (cast.operator_a.pk, "operator_a")
    assert (record.subject, record.subject_id, record.detail) == ("case", str(world.case.pk), "contact_phone")
    assert record.reason == "核对联系方式"
    assert mw.CASE_PHONE not in record.detail + record.reason  # never the value itself


def test_each_revealable_field_gives_its_full_value(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.office_a)
    expected = {
        ("case", "contact_name"): mw.CASE_CONTACT,
        ("case", "contact_phone"): mw.CASE_PHONE_SHOWN,
        ("case", "address"): mw.ADDRESS,
        ("enterprise", "contact_name"): mw.ENTERPRISE_CONTACT,
        ("enterprise", "phone"): mw.ENTERPRISE_PHONE_SHOWN,
        ("enterprise", "address"): mw.ADDRESS,
    }
    assert set(expected) == set(fields.REVEALABLE)
    for (subject, field), value in expected.items():
        pk = world.case.pk if subject == "case" else world.enterprise.pk
        response = reveal(client, subject, pk, field, **HTMX)
        assert response.status_code == 200
        assert value in response.content.decode(), (subject, field)
    assert len(mw.records("reveal")) == len(expected)


@pytest.mark.parametrize("reason", ["", "   ", "长" * 201])
def test_a_reveal_without_a_usable_reason_is_refused_and_records_nothing(
    cast: Cast, world: mw.World, reason: str
) -> None:
    client = mw.client_for(cast.operator_a)
    swapped = reveal(client, "case", world.case.pk, "contact_phone", reason, **HTMX)
    assert swapped.status_code == 200  # htmx swaps only 2xx: the control again, with the message
    html = swapped.content.decode()
    assert 'data-testid="reveal-error"' in html
    assert "原因" in html
    mw.assert_masked(html)
    plain = reveal(client, "case", world.case.pk, "contact_phone", reason)
    assert plain.status_code == 400
    mw.assert_masked(plain.content.decode())
    assert mw.records("reveal") == []


def test_the_refusal_speaks_the_page_language(cast: Cast, world: mw.World) -> None:
    zh = reveal(mw.client_for(cast.operator_a), "case", world.case.pk, "contact_phone", "")
    assert "查看或导出完整个人信息须填写原因" in zh.content.decode()
    en = reveal(mw.client_for(cast.operator_a, "en"), "case", world.case.pk, "contact_phone", "")
    assert "Give a reason to see or export the full personal information" in en.content.decode()


def test_who_may_reveal(cast: Cast, world: mw.World) -> None:
    """Like the case page: another area's staff and strangers 404; the enterprise's own user may
    see the case but has nothing to reveal (403); district-wide roles may."""
    expected = {
        "admin": 200,
        "auditor": 200,
        "reviewer": 200,
        "office_a": 200,
        "operator_a": 200,
        "office_b": 404,
        "operator_b": 404,
        "stranger": 404,
        "superuser": 404,
        "enterprise_a": 403,
    }
    found = {
        name: reveal(mw.client_for(getattr(cast, name)), "case", world.case.pk, "contact_phone").status_code
        for name in expected
    }
    assert found == expected
    assert len(mw.records("reveal")) == 5


def test_nothing_else_can_be_revealed(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.admin)
    assert reveal(client, "case", world.case.pk, "need").status_code == 400
    assert reveal(client, "case", world.case.pk, "").status_code == 400
    assert reveal(client, "user", cast.admin.pk, "email").status_code == 404
    assert reveal(client, "case", "abc", "contact_phone").status_code == 404
    assert reveal(client, "case", "9" * 40, "contact_phone").status_code == 404
    assert reveal(client, "case", world.case.pk + 1000, "contact_phone").status_code == 404
    assert mw.records("reveal") == []


def test_the_action_is_a_post_behind_sign_in(cast: Cast, world: mw.World) -> None:
    assert mw.client_for(cast.admin).get(reverse("personal-reveal")).status_code == 405
    anonymous = reveal(Client(), "case", world.case.pk, "contact_phone")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert mw.records("reveal") == []


def test_without_script_the_reveal_is_a_page_with_the_way_back(cast: Cast, world: mw.World) -> None:
    response = reveal(mw.client_for(cast.operator_a), "case", world.case.pk, "contact_name")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and mw.CASE_CONTACT in html
    assert reverse("cases-detail", args=[world.case.pk]) in html


def test_enterprise_pages_mask_for_staff(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.office_a)
    archive = client.get(reverse("archive-enterprise", args=[world.enterprise.pk])).content.decode()
    registry = client.get(
        reverse("registry-enterprise", args=[world.enterprise.credit_code])
    ).content.decode()
    listing = client.get(reverse("registry-enterprises")).content.decode()
    for html in (archive, registry):
        assert mw.ENTERPRISE_PHONE_MASKED in html and mw.ENTERPRISE_CONTACT_MASKED in html
        assert mw.ADDRESS_MASKED in html
        assert 'data-testid="reveal-form-phone"' in html
        mw.assert_masked(html)
    assert mw.ENTERPRISE_PHONE_MASKED in listing and mw.ENTERPRISE_CONTACT_MASKED in listing
    assert "reveal-form" not in listing  # lists mask; the reveal is on the record's page
    mw.assert_masked(listing)


def test_the_enterprise_sees_its_own_archive_in_full(cast: Cast, world: mw.World) -> None:
    client = mw.client_for(cast.enterprise_a)
    html = client.get(reverse("archive-enterprise", args=[world.enterprise.pk])).content.decode()
    assert mw.ENTERPRISE_PHONE_SHOWN in html and mw.ENTERPRISE_CONTACT in html and mw.ADDRESS in html
    assert "reveal-form" not in html


def test_the_receipt_masks_for_staff(cast: Cast, world: mw.World) -> None:
    staff = mw.client_for(cast.operator_a).get(reverse("cases-receipt", args=[world.case.pk]))
    assert mw.CASE_PHONE_MASKED in staff.content.decode()
    mw.assert_masked(staff.content.decode())
    own = mw.client_for(cast.enterprise_a).get(reverse("cases-receipt", args=[world.case.pk]))
    assert mw.CASE_PHONE_SHOWN in own.content.decode()
