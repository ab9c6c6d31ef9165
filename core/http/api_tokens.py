"""API tokens (DRF authtoken, `Authorization: Token …`) that expire, can be revoked, and die with
the password.

- A token is good for NQI_API_TOKEN_DAYS days from its creation (default 30). An expired token
  is deleted the first time it is presented and the request answers 401 `token_expired`; an
  unknown (revoked) or malformed one 401 `authentication_failed`, both in the API's one error
  format. Requests without a token header are not affected (anonymous stays 403, as before).
- Obtaining a token (`POST /api/auth/token/`) answers the user's live token or a fresh one once
  the old one expired, with its expiry time.
- Revoking: `DELETE /api/auth/token/` (the API), or the button on the account page; both delete
  the user's token, so every client holding it is signed out of the API.
- Changing or resetting the password deletes the user's token (`revoke_on_password_change`): a
  leaked token must not outlive the password that guarded it.

A token request reads the token, its user and what the domain loads with a user (memberships and
visible area: core.user_loading) in one query.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from audit.actions import Action
from audit.services import record

from .. import user_loading


def lifetime() -> timedelta:
    return timedelta(days=settings.NQI_API_TOKEN_DAYS)


def expires_at(token: Token) -> datetime:
    return token.created + lifetime()


def is_expired(token: Token, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(token)


class TokenRefused(exceptions.APIException):
    """401 with a WWW-Authenticate challenge: the client must obtain a new token. (DRF turns its
    own AuthenticationFailed into 403 when, as here, session authentication comes first.)"""

    status_code = 401
    default_code = "authentication_failed"
    default_detail = _("Invalid token.")
    auth_header = "Token"


class TokenExpired(TokenRefused):
    default_code = "token_expired"
    default_detail = _("The token has expired: obtain a new one.")


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Token] | None:
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise TokenRefused(str(exc.detail)) from exc

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        # The user whose token this is, with the token's creation time: one query, which the
        # domain's user loader extends with what every request asks next (core.user_loading).
        users = get_user_model()._default_manager.filter(auth_token__key=key)
        user = user_loading.load(users.annotate(**{_TOKEN_CREATED: F("auth_token__created")}))
        if user is None or not user.is_active:
            raise TokenRefused()
        token = _loaded_token(key, user, user.__dict__.pop(_TOKEN_CREATED), users.db)
        if is_expired(token):
            token.delete()
            raise TokenExpired()
        return user, token


# The token's creation time, read with its user; prefixed so that it cannot shadow a user field.
_TOKEN_CREATED = "_nqi_token_created"  # noqa: S105 - an attribute name


def _loaded_token(key: str, user: Any, created: datetime, db: str) -> Token:
    """The token row as read with its user (a model instance from the database, as `.get()` gives)."""
    values = {"key": key, "user_id": user.pk, "created": created}
    names = [field.attname for field in Token._meta.concrete_fields]
    token = Token.from_db(db, names, [values[name] for name in names])
    token.user = user
    return token


def live_token(user: Any) -> Token | None:
    """The user's token if it is still good (an expired one is deleted)."""
    token = Token.objects.filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        return None
    return token


def obtain(user: Any) -> Token:
    """The user's live token, or a new one (audited as issued)."""
    with transaction.atomic():
        token = live_token(user)
        if token is None:
            token, created = Token.objects.get_or_create(user=user)
            if created:
                record(Action.USER_TOKEN_ISSUED, actor=user, target_type="user", target_id=user.pk)
        return token


def revoke(user: Any, reason: str = "revoked by the user") -> bool:
    """Delete the user's token; True if there was one (audited as revoked, with why)."""
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=user).delete()
        if deleted:
            record(
                Action.USER_TOKEN_REVOKED, actor=user, target_type="user", target_id=user.pk, reason=reason
            )
    return deleted > 0


_CHANGED_MARK = "_nqi_password_changed"


@receiver(pre_save, sender=get_user_model(), dispatch_uid="api-tokens-password-watch")
def _notice_password_change(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        setattr(instance, _CHANGED_MARK, True)


@receiver(post_save, sender=get_user_model(), dispatch_uid="api-tokens-revoke-on-password-change")
def revoke_on_password_change(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    if not created and getattr(instance, _CHANGED_MARK, False):
        delattr(instance, _CHANGED_MARK)
        revoke(instance, reason="password changed")
