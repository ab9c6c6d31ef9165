"""A membership removed anywhere stops counting on the user's very next request.

Memberships are read once per request (casemgmt/org/directory.py, core/request_cache.py) and kept
nowhere else: no per-process cache can let a revoked user keep working in another worker. The
removal here is plain SQL, as another process's would be seen from this one: no signal in this
process learns of it.

The same holds for the area below a user's units: it is loaded with the user on every request
(casemgmt/org/user_loading.py), so an org unit moved under another office counts at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casemgmt.models import Membership, OrgUnit
from tests.personas import AREA_B, OPERATOR_A, Cast
from workflows import instances

pytestmark = pytest.mark.django_db


def _revoke_elsewhere(user_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Membership._meta.db_table} WHERE user_id = %s", [user_id])


def test_a_page_refuses_the_next_request_after_revocation(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.office_a)
    assert client.get(reverse("registry-enterprises")).status_code == 200
    _revoke_elsewhere(cast.office_a.pk)
    assert client.get(reverse("registry-enterprises")).status_code == 403


def test_the_api_refuses_the_next_request_after_revocation(cast: Cast) -> None:
    client = APIClient()
    token = Token.objects.create(user=cast.operator_a)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("registry-api-enterprises")).status_code == 200
    _revoke_elsewhere(cast.operator_a.pk)
    assert client.get(reverse("registry-api-enterprises")).status_code == 403


def _move_elsewhere(code: str, new_parent: str) -> None:
    table = OrgUnit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET parent_id = (SELECT id FROM {table} WHERE code = %s) WHERE code = %s",
            [new_parent, code],
        )


def _session(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _token(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize("signed_in", [_session, _token], ids=["session", "token"])
def test_a_moved_org_unit_changes_the_area_on_the_next_request(
    cast: Cast, deploy_fixture: Callable[[str], Any], signed_in: Callable[[User], APIClient]
) -> None:
    deploy_fixture("approval")
    started = instances.start_instance(
        "approval", actor=None, business_key="MOVE-1", org_unit_code=OPERATOR_A
    )
    office_a, office_b = signed_in(cast.office_a), signed_in(cast.office_b)

    def seen_by(client: APIClient) -> list[int]:
        response = client.get(reverse("instance-list"))
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert seen_by(office_a) == [started.pk] and seen_by(office_b) == []
    _move_elsewhere(OPERATOR_A, AREA_B)
    assert seen_by(office_a) == [] and seen_by(office_b) == [started.pk]
