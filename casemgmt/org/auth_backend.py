"""Django's ModelBackend, loading the session's user with its memberships in one query.

`get_user` is what the authentication middleware calls on every request with a session: it goes
through casemgmt.org.user_loading, so the user row, its memberships and its visible area arrive
in one statement and the request asks for none of them again. Signing in, permissions and
`user_can_authenticate` (inactive users refused) are ModelBackend's own.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from casemgmt.org.user_loading import load_user


class MembershipLoadingBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = load_user(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id: Any) -> User | None:
        return await sync_to_async(self.get_user)(user_id)

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            # Refused: stop here. ModelBackend, listed after this backend only so that sessions
            # signed in through it stay valid (config/settings.py), would check the very same
            # password again, doubling the hashing cost of every failed sign-in. Django answers a
            # backend's PermissionDenied exactly as it answers all backends declining: the
            # sign-in fails and user_login_failed is sent once (axes counts it).
            raise PermissionDenied
        return user
