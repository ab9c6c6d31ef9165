"""Acting as a persona the way a request would: a user object without cached memberships."""

from __future__ import annotations

import copy

from django.contrib.auth.models import User

from core.request_cache import forget

# Memberships, scopes and counts are kept on the user object for the request (core.request_cache),
# permissions in Django's own caches; a real request loads a fresh user, so the bench must not let
# them outlive one call or the permission checks look free.
_DJANGO_CACHE_ATTRS = ("_perm_cache", "_user_perm_cache", "_group_perm_cache")


def fresh(user: User) -> User:
    clone = copy.copy(user)
    forget(clone)
    for attr in _DJANGO_CACHE_ATTRS:
        clone.__dict__.pop(attr, None)
    return clone
