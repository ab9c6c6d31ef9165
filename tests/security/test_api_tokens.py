"""API tokens expire, can be revoked (API and account page), and die with a password change
(core/http/api_tokens.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.actions import Action
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD
from tests.personas import PERSONA_NAMES, Cast

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "message_en", "fields"}


def obtain(user: User) -> str:
    response = APIClient().post(
        reverse("api-token"), {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    key: str = response.json()["token"]
    return key


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def age(key: str, days: float) -> None:
    Token.objects.filter(key=key).update(
        created=Token.objects.get(key=key).created - datetime.timedelta(days=days)
    )


def test_obtaining_answers_the_token_and_its_expiry(cast: Cast, settings: Any) -> None:
    settings.NQI_API_TOKEN_DAYS = 30
    response = APIClient().post(
        reverse("api-token"), {"username": "operator_a", "password": TEST_PASSWORD}, format="json"
    )
    body = response.json()
    token = Token.objects.get(user=cast.operator_a)
    assert body["token"] == token.key
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert expires - token.created == datetime.timedelta(days=30)
    assert with_token(token.key).get(reverse("task-list")).status_code == 200


def test_an_expired_token_is_refused_with_401_and_deleted(cast: Cast, settings: Any) -> None:
    settings.NQI_API_TOKEN_DAYS = 30
    key = obtain(cast.operator_a)
    age(key, 29.9)
    assert with_token(key).get(reverse("task-list")).status_code == 200
    age(key, 0.2)
    response = with_token(key).get(reverse("task-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert set(body) >= ERROR_KEYS and body["code"] == "token_expired"
    assert body["message"] == "令牌已过期，请重新获取。"
    assert not Token.objects.filter(key=key).exists()
    # Signing in again issues a new one.
    fresh = obtain(cast.operator_a)
    assert fresh != key and with_token(fresh).get(reverse("task-list")).status_code == 200


def test_the_token_lifetime_follows_the_setting(cast: Cast, settings: Any) -> None:
    settings.NQI_API_TOKEN_DAYS = 1
    key = obtain(cast.operator_a)
    age(key, 1.01)
    assert with_token(key).get(reverse("task-list")).status_code == 401


def test_an_unknown_token_is_401_in_the_error_format(cast: Cast) -> None:
    response = with_token("0" * 40).get(reverse("task-list"))
    assert response.status_code == 401
    assert set(response.json()) >= ERROR_KEYS and response.json()["code"] == "authentication_failed"
    # No token at all is unchanged: 403 for an anonymous request.
    assert APIClient().get(reverse("task-list")).status_code == 403


def test_delete_revokes_my_token(cast: Cast) -> None:
    key = obtain(cast.office_a)
    other = obtain(cast.operator_a)
    response = with_token(key).delete(reverse("api-token"))
    assert response.status_code == 204
    assert with_token(key).get(reverse("task-list")).status_code == 401
    assert with_token(other).get(reverse("task-list")).status_code == 200  # only my own


@pytest.mark.parametrize("persona", [*PERSONA_NAMES, "superuser"])
def test_every_signed_in_user_may_revoke_their_own_token(persona: str, cast: Cast, api: Any) -> None:
    user = None if persona == "anonymous" else getattr(cast, persona)
    if user is not None:
        Token.objects.create(user=user)
    response = api(user).delete(reverse("api-token"))
    assert response.status_code == (403 if user is None else 204)
    if user is not None:
        assert not Token.objects.filter(user=user).exists()


def test_the_account_page_shows_the_token_and_its_button_revokes_it(cast: Cast) -> None:
    key = obtain(cast.operator_a)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("account")).content.decode()
    assert 'data-testid="revoke-token"' in page and key not in page  # the key itself is never shown
    response = client.post(reverse("account-token-revoke"))
    assert response.status_code == 302
    assert not Token.objects.filter(key=key).exists()
    assert 'data-testid="no-token"' in client.get(reverse("account")).content.decode()


def test_changing_the_password_on_the_page_revokes_the_token(cast: Cast) -> None:
    key = obtain(cast.operator_a)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    new = "Quiet-harbour-7391"
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Token.objects.filter(key=key).exists()
    assert with_token(key).get(reverse("task-list")).status_code == 401


def test_set_password_anywhere_revokes_but_other_saves_do_not(cast: Cast) -> None:
    key = obtain(cast.operator_a)
    user = User.objects.get(pk=cast.operator_a.pk)
    user.first_name = "新名字"
    user.save()
    user.save(update_fields=["last_login"])
    assert Token.objects.filter(key=key).exists()
    user.set_password("Another-long-phrase-42")
    user.save()
    assert not Token.objects.filter(key=key).exists()


def test_issuing_and_revoking_tokens_are_audited_without_the_key(cast: Cast) -> None:
    user = cast.operator_a
    key = obtain(user)
    obtain(user)  # the live token again: nothing new issued
    issued = AuditEvent.objects.filter(action=Action.USER_TOKEN_ISSUED)
    assert [(e.actor_id, e.target_id) for e in issued] == [(user.pk, str(user.pk))]
    assert key not in str(issued.get().after or "") + issued.get().reason

    assert with_token(key).delete(reverse("api-token")).status_code == 204
    obtain(user)
    user.set_password("another-long-passphrase-9")
    user.save()
    revoked = AuditEvent.objects.filter(action=Action.USER_TOKEN_REVOKED).order_by("id")
    assert [e.reason for e in revoked] == ["revoked by the user", "password changed"]
