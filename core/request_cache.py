"""Values computed at most once per request, kept on the request's user object.

Permission rules, scopes, the page header and the inbox ask the same questions of the same user
many times in one request (which memberships, which area, how many open tasks). The answers are
kept in one dict on the user object, under one attribute, so every such cache is found, and
dropped, in one place.

Why this is safe: the authentication middleware (and DRF's authenticators) load a new User object
for every request, so what is kept on it lives exactly as long as the request. Nothing is shared
between requests or processes: a revoked membership or a new role counts from the very next
request. Code that keeps one user object across several units of work (a test's client forcing
one user, a benchmark) can start afresh with `forget`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

# One attribute for every per-request value; its name marks it as this project's, not Django's.
ATTRIBUTE = "_nqi_request_cache"


def per_user(user: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, computed once per user object and `key`; None (no user) is never cached."""
    if user is None:
        return compute()
    # getattr/setattr, not __dict__: request.user is a lazy proxy that forwards both to the user.
    cache: dict[Hashable, Any] | None = getattr(user, ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(user, ATTRIBUTE, cache)
    if key in cache:
        found: T = cache[key]
        return found
    value = compute()
    cache[key] = value
    return value


def forget(user: Any) -> None:
    """Drop everything kept on this user object (the next question is answered afresh)."""
    if user is not None and hasattr(user, ATTRIBUTE):
        delattr(user, ATTRIBUTE)
