"""Sign-ins and failed sign-ins go into the audit trail like every other action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from .actions import Action
from .services import record

MAX_USERNAME = 128


@receiver(user_logged_in, dispatch_uid="audit-user-logged-in")
def _logged_in(sender: Any, request: Any, user: Any, **_: Any) -> None:
    # A person signing in posts a form; login() called without one (the test client's
    # force_login, a management shell) is not a sign-in anybody made.
    if getattr(request, "method", None) != "POST":
        return
    with transaction.atomic():
        record(Action.USER_LOGIN, actor=user, target_type="user", target_id=user.pk)


@receiver(user_login_failed, dispatch_uid="audit-user-login-failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    # Django has already removed the password from `credentials`; only the name tried is kept.
    tried = str(credentials.get("username") or "?")[:MAX_USERNAME]
    with transaction.atomic():
        record(Action.USER_LOGIN_FAILED, target_type="user", target_id=tried)
