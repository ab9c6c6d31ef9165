"""Station staff who are not public contacts are for staff roles only: an enterprise user sees,
on the project page and through the registry API, what the public directory shows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casemgmt.models import StationStaff
from tests.personas import Cast

from .world import PRIVATE_PHONE, PUBLIC_PHONE, station_a

pytestmark = pytest.mark.django_db

PRIVATE_NAME = "内部专员"
PUBLIC_NAME = "公开联系人"
PRIVATE_EMAIL = "inside@example.cn"
PRIVATE_PHONE_DISPLAY = "139 1234 5678"


@pytest.fixture
def station(cast: Cast) -> Any:
    found = station_a()
    StationStaff.objects.filter(station=found, name=PRIVATE_NAME).update(email=PRIVATE_EMAIL)
    return found


def page_text(user: Any, station: Any) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("registry-project", kwargs={"code": station.project.code}))
    assert response.status_code == 200
    return response.content.decode()


def api_answers(user: Any, station: Any, api: Any) -> list[str]:
    client = api(user)
    project = client.get(reverse("registry-api-project", kwargs={"code": station.project.code}))
    one = client.get(reverse("registry-api-station", kwargs={"pk": station.pk}))
    listing = client.get(reverse("registry-api-stations"), {"project": station.project.code})
    assert project.status_code == one.status_code == listing.status_code == 200
    return [project.content.decode(), one.content.decode(), listing.content.decode()]


def leaks(text: str) -> list[str]:
    found = [t for t in (PRIVATE_NAME, PRIVATE_PHONE, PRIVATE_EMAIL, PRIVATE_PHONE_DISPLAY) if t in text]
    return found


def test_an_enterprise_user_sees_no_private_staff_contact_on_the_project_page(
    cast: Cast, station: Any
) -> None:
    text = page_text(cast.enterprise_a, station)
    assert leaks(text) == []
    assert PUBLIC_NAME in text  # the public contact, as in the public directory


def test_an_enterprise_user_gets_no_private_staff_contact_from_the_api(
    cast: Cast, station: Any, api: Any
) -> None:
    for text in api_answers(cast.enterprise_a, station, api):
        assert leaks(text) == [], text[:400]
        assert PUBLIC_NAME in text and PUBLIC_PHONE in text


@pytest.mark.parametrize("persona", ["operator_a", "office_a", "office_b", "reviewer", "admin", "auditor"])
def test_staff_roles_still_see_every_staff_member(persona: str, cast: Cast, station: Any, api: Any) -> None:
    user = getattr(cast, persona)
    assert PRIVATE_NAME in page_text(user, station)
    for text in api_answers(user, station, api):
        assert PRIVATE_NAME in text and PRIVATE_PHONE in text and PRIVATE_EMAIL in text


def test_the_public_directory_shows_the_same_contacts_as_an_enterprise_user_gets(
    cast: Cast, station: Any, api: Any
) -> None:
    public = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("registry-public-directory")).content.decode()
    assert PUBLIC_NAME in public and leaks(public) == []
    one = api(cast.enterprise_a).get(reverse("registry-api-station", kwargs={"pk": station.pk})).json()
    assert [member["name"] for member in one["staff"]] == [PUBLIC_NAME]
