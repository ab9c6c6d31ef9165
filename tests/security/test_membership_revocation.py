"""A membership removed anywhere stops counting on the user's very next request.

Memberships are read once per request (casemgmt/org/directory.py, core/request_cache.py) and kept
nowhere else: no per-process cache can let a revoked user keep working in another worker. The
removal here is plain SQL, as another process's would be seen from this one: no signal in this
process learns of it.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casemgmt.models import Membership
from tests.personas import Cast

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
