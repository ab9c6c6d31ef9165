"""A request's user arrives with its memberships and visible area in one query
(casemgmt/org/user_loading.py), on the session path (casemgmt/org/auth_backend.py) and the token
path (core/http/api_tokens.py through core/user_loading.py), priming the per-request cache.
Revocation and moved org units: tests/security/test_membership_revocation.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bench.actors import fresh
from casemgmt.models import Membership, OrgUnit
from casemgmt.org.auth_backend import MembershipLoadingBackend
from casemgmt.org.directory import memberships, visible_org_units
from casemgmt.org.roles import Role
from casemgmt.org.user_loading import load_user
from core.http.api_tokens import ExpiringTokenAuthentication
from tests.factories import TEST_PASSWORD, make_membership, make_user
from tests.personas import AREA_A, OPERATOR_A, OPERATOR_B, PERSONA_NAMES, Cast

pytestmark = pytest.mark.django_db

BACKEND = "casemgmt.org.auth_backend.MembershipLoadingBackend"
MEMBERSHIPS = Membership._meta.db_table
USERS = User._meta.db_table


def _plain(user: User) -> User:
    """The user row alone: its memberships and area are then read lazily (directory.py)."""
    return User.objects.get(pk=user.pk)


def _statements_reading(table: str, captured: CaptureQueriesContext) -> list[str]:
    # The ORM quotes table names, the fixed statements of directory.py do not.
    names = (f'"{table}"', f" {table} ")
    return [q["sql"] for q in captured.captured_queries if any(name in q["sql"] for name in names)]


def _assert_memberships_travel_with_the_user(captured: CaptureQueriesContext) -> None:
    users = [q["sql"] for q in captured.captured_queries if f'FROM "{USERS}"' in q["sql"]]
    assert len(users) == 1 and MEMBERSHIPS in users[0]
    assert _statements_reading(MEMBERSHIPS, captured) == users, "no membership SELECT of its own"
    areas = [q["sql"] for q in captured.captured_queries if "WITH RECURSIVE" in q["sql"]]
    assert areas == users, "no area query of its own"


# The loader ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in PERSONA_NAMES if n != "anonymous"] + ["superuser"])
def test_the_loaded_user_answers_as_the_lazy_reads_would(
    cast: Cast, name: str, django_assert_num_queries: Any
) -> None:
    user = getattr(cast, name)
    with django_assert_num_queries(1):
        loaded = load_user(pk=user.pk)
    assert isinstance(loaded, User) and loaded == user
    with django_assert_num_queries(0):
        found, area = memberships(loaded), visible_org_units(loaded)
    plain = _plain(user)
    assert found == memberships(plain)
    assert area == visible_org_units(plain)


def test_several_memberships_keep_their_order_and_join_their_areas(cast: Cast) -> None:
    user = make_user(username="two_hats")
    make_membership(user=user, org_unit=OrgUnit.objects.get(code=OPERATOR_B), role=Role.OPERATOR.value)
    make_membership(user=user, org_unit=OrgUnit.objects.get(code=AREA_A), role=Role.OFFICE_STAFF.value)
    loaded = load_user(pk=user.pk)
    assert memberships(loaded) == [
        (Role.OPERATOR.value, OPERATOR_B, OrgUnit.Kind.OPERATOR.value),
        (Role.OFFICE_STAFF.value, AREA_A, OrgUnit.Kind.OFFICE.value),
    ]
    assert memberships(loaded) == memberships(_plain(user))
    assert visible_org_units(loaded) == visible_org_units(_plain(user))
    assert {OPERATOR_B, AREA_A, OPERATOR_A} <= (visible_org_units(loaded) or set())


def test_a_district_wide_role_sees_everything_whatever_else_it_holds(cast: Cast) -> None:
    office = OrgUnit.objects.get(code=AREA_A)
    make_membership(user=cast.reviewer, org_unit=office, role=Role.OFFICE_STAFF.value)
    assert visible_org_units(load_user(pk=cast.reviewer.pk)) is None


def test_no_memberships_no_area(cast: Cast, django_assert_num_queries: Any) -> None:
    loaded = load_user(pk=cast.stranger.pk)
    with django_assert_num_queries(0):
        assert memberships(loaded) == [] and visible_org_units(loaded) == frozenset()


def test_an_unknown_user_loads_as_none(db: None) -> None:
    assert load_user(pk=987654) is None


def test_the_bench_acts_as_a_freshly_authenticated_user(cast: Cast, django_assert_num_queries: Any) -> None:
    expected = visible_org_units(_plain(cast.office_a))
    with django_assert_num_queries(2):
        first, second = fresh(cast.office_a), fresh(cast.office_a)
    assert first is not second and first is not cast.office_a and first == cast.office_a
    with django_assert_num_queries(0):
        assert visible_org_units(first) == expected
        assert memberships(second) == memberships(first)


# The session path ---------------------------------------------------------------------------


def _session(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)  # the first listed backend that loads users: the loading one
    return client


def test_signing_in_goes_through_the_loading_backend(cast: Cast) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "office_a", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_a_session_request_loads_user_and_memberships_in_one_query(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = _session(cast.office_a)
    client.get(reverse("task-list"))
    # 7 before the user was loaded with its memberships: session, user, memberships, the task
    # page, the session save (a savepoint, the update, its release).
    with django_assert_num_queries(6) as captured:
        assert client.get(reverse("task-list")).status_code == 200
    _assert_memberships_travel_with_the_user(captured)


def test_a_page_loads_user_memberships_and_area_in_one_query(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.office_a)
    client.get(reverse("inbox"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("inbox")).status_code == 200
    # 18 before: the memberships and the office's area (WITH RECURSIVE) were two more; 17 since
    # the 我发起的 / 抄送我的 tabs' counts (one statement).
    assert len(captured) == 17
    _assert_memberships_travel_with_the_user(captured)


def test_the_async_lookup_loads_the_same_way(cast: Cast, django_assert_num_queries: Any) -> None:
    expected = memberships(_plain(cast.office_a))
    backend = MembershipLoadingBackend()
    with django_assert_num_queries(1):
        user = async_to_sync(backend.aget_user)(cast.office_a.pk)
        assert user == cast.office_a and memberships(user) == expected
    User.objects.filter(pk=cast.office_a.pk).update(is_active=False)
    assert async_to_sync(backend.aget_user)(cast.office_a.pk) is None


def test_a_session_from_the_plain_model_backend_still_works(cast: Cast) -> None:
    client = APIClient()
    client.force_login(cast.office_a, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("task-list")).status_code == 200


def test_an_inactive_users_session_is_refused(cast: Cast) -> None:
    client = _session(cast.office_a)
    assert client.get(reverse("task-list")).status_code == 200
    User.objects.filter(pk=cast.office_a.pk).update(is_active=False)
    assert client.get(reverse("task-list")).status_code == 403
    page = Client()
    page.force_login(cast.operator_a)
    assert page.get(reverse("inbox")).status_code == 200
    User.objects.filter(pk=cast.operator_a.pk).update(is_active=False)
    response = page.get(reverse("inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_failed_sign_in_checks_the_password_once(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[str] = []
    original = User.check_password

    def counting(self: User, raw: str) -> bool:
        checks.append(raw)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    request = RequestFactory().post(reverse("login"))  # axes wants one
    assert authenticate(request, username="office_a", password="wrong") is None
    assert checks == ["wrong"]  # not again by the ModelBackend listed after the loading one
    assert authenticate(request, username="office_a", password=TEST_PASSWORD) == cast.office_a


def test_repeated_failures_still_lock_the_account_out(cast: Cast) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "reviewer", "password": "nope"})
    response = client.post(reverse("login"), {"username": "reviewer", "password": TEST_PASSWORD})
    assert response.status_code != 302 and BACKEND_SESSION_KEY not in client.session


# The token path -----------------------------------------------------------------------------


def _token(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_token_request_loads_token_user_and_memberships_in_one_query(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = _token(cast.office_a)
    # 3 before: token with user, memberships, the task page.
    with django_assert_num_queries(2) as captured:
        assert client.get(reverse("task-list")).status_code == 200
    _assert_memberships_travel_with_the_user(captured)
    assert len(_statements_reading(Token._meta.db_table, captured)) == 1
    assert MEMBERSHIPS in _statements_reading(Token._meta.db_table, captured)[0]


def test_an_inactive_users_token_is_refused(cast: Cast) -> None:
    client = _token(cast.office_a)
    assert client.get(reverse("task-list")).status_code == 200
    User.objects.filter(pk=cast.office_a.pk).update(is_active=False)
    response = client.get(reverse("task-list"))
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_the_token_delivered_with_the_user_is_the_stored_row(cast: Cast) -> None:
    stored = Token.objects.create(user=cast.office_a)
    user, token = ExpiringTokenAuthentication().authenticate_credentials(stored.key)
    assert user == cast.office_a and token == stored and token.created == stored.created
    assert token.user is user and not token._state.adding
    assert not hasattr(user, "_nqi_token_created")
