"""Acting as a persona the way a request would: a user object without cached memberships."""

from __future__ import annotations

import copy

from django.contrib.auth.models import User

# casemgmt.directory caches memberships on the user object; a real request loads a fresh user, so
# the bench must not let the cache outlive one call or the permission checks look free.
_CACHE_ATTRS = ("_nqi_memberships", "_perm_cache", "_user_perm_cache", "_group_perm_cache")


def fresh(user: User) -> User:
    clone = copy.copy(user)
    for attr in _CACHE_ATTRS:
        clone.__dict__.pop(attr, None)
    return clone
