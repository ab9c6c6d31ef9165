"""Acting as a persona the way a request would: the user object its authentication delivers."""

from __future__ import annotations

from django.contrib.auth.models import User

from casemgmt.org.user_loading import load_user


def fresh(user: User) -> User:
    """A new object for `user`, loaded as every request's authentication loads it: the user row
    with its memberships and visible area in one query (casemgmt.org.user_loading), which prime the
    request cache. Nothing cached on an earlier object (memberships, scopes, counts, Django's
    permission caches) makes the next call look cheaper, and what authentication already brought
    is not counted against the service call. Call it outside the timed region: in a request it
    is the authentication's query, not the service's."""
    loaded = load_user(pk=user.pk)
    if not isinstance(loaded, User):
        raise RuntimeError(f"user {user.pk} is gone")
    return loaded
