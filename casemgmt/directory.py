"""Who belongs where: memberships turned into candidate groups and visibility scopes.

Loaded once per user object and cached on it, because permission checks run many times per request.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.db.statements import execute
from workflows.registry import group_key

from .models import Membership, OrgUnit
from .roles import DISTRICT_WIDE_ROLES

T = TypeVar("T")
_CACHE_ATTR = "_nqi_memberships"
_ORG_UNIT_EXISTS = f"SELECT 1 FROM {OrgUnit._meta.db_table} WHERE code = %s"  # noqa: S608 - fixed names
_SCOPE_ATTR = "_nqi_scope"


# Every request checks permissions several times, and memberships change rarely: they are kept
# per process for a short while, dropped at once on any change made here (other processes see a
# change after at most CACHE_SECONDS).
CACHE_SECONDS = float(os.environ.get("NQI_MEMBERSHIP_CACHE_SECONDS", "30"))
_by_user: dict[int, tuple[float, list[tuple[str, str, str]]]] = {}
_scope_by_user: dict[int, tuple[float, frozenset[str]]] = {}


@receiver([post_save, post_delete], sender=Membership)
@receiver([post_save, post_delete], sender=OrgUnit)
def _forget(**_: object) -> None:
    _by_user.clear()
    _scope_by_user.clear()


def _cached(user: Any, attr: str, shared: dict[int, tuple[float, T]], compute: Callable[[Any], T]) -> T:
    """On the user object for the request; per process for CACHE_SECONDS across requests."""
    found: T | None = getattr(user, attr, None)
    if found is None:
        entry = shared.get(user.pk)
        if entry is not None and time.monotonic() - entry[0] < CACHE_SECONDS:
            found = entry[1]
        else:
            found = compute(user)
            shared[user.pk] = (time.monotonic(), found)
        setattr(user, attr, found)
    return found


def _load_memberships(user: Any) -> list[tuple[str, str, str]]:
    rows = Membership.objects.filter(user_id=user.pk)
    return list(rows.values_list("role", "org_unit__code", "org_unit__kind"))


def memberships(user: Any) -> list[tuple[str, str, str]]:
    """[(role, org unit code, org unit kind)] for an authenticated user, else []."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return _cached(user, _CACHE_ATTR, _by_user, _load_memberships)


def roles_of(user: Any) -> set[str]:
    return {role for role, _, _ in memberships(user)}


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user).intersection(roles))


def groups_of(user: Any) -> frozenset[str]:
    return frozenset(group_key(role, code) for role, code, _ in memberships(user))


def visible_org_units(user: Any) -> frozenset[str] | None:
    """Org unit codes whose work the user may see; None means every unit."""
    if has_role(user, *DISTRICT_WIDE_ROLES):
        return None
    return _cached(user, _SCOPE_ATTR, _scope_by_user, _area_of_memberships)


def _area_of_memberships(user: Any) -> frozenset[str]:
    return area_below({code for _, code, _ in memberships(user)})


def role_area(user: Any, *roles: str) -> frozenset[str]:
    """Org unit codes at or below the user's memberships in these roles (cached on the user).

    Narrower than `visible_org_units` when the user also holds other roles: e.g. an enterprise
    membership must not extend what the same user may do as an operator.
    """
    attr = "_nqi_area_" + "_".join(sorted(roles))
    cached: frozenset[str] | None = getattr(user, attr, None)
    if cached is None:
        found = memberships(user)
        if found and all(role in roles for role, _, _ in found):
            # Every membership counts: that is the visible scope, cached across requests.
            cached = visible_org_units(user) or frozenset()
        else:
            cached = area_below({code for role, code, _ in found if role in roles})
        setattr(user, attr, cached)
    return cached


def area_below(roots: set[str]) -> frozenset[str]:
    """The given org units and every unit below them (an office's area)."""
    seen: set[str] = set(roots)
    frontier = list(OrgUnit.objects.filter(code__in=roots).values_list("pk", flat=True)) if roots else []
    for _ in range(8):  # the tree is shallow; the cap guards against a cycle
        if not frontier:
            break
        children = list(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", "code"))
        seen.update(code for _, code in children)
        frontier = [pk for pk, _ in children]
    return frozenset(seen)


class MembershipDirectory:
    """The engine's view of people (workflows.registry.Directory)."""

    def groups_of(self, user: Any) -> frozenset[str]:
        return groups_of(user)

    def describe(self, user: Any) -> tuple[str, str]:
        found = memberships(user)
        if not found:
            return ("", "")
        role, code, _ = found[0]
        return (role, code)

    def same_group(self, user: Any, group: str) -> bool:
        return group in groups_of(user)

    def members_of(self, group: str) -> list[int]:
        role, _, code = group.partition("@")
        return list(
            Membership.objects.filter(role=role, org_unit__code=code, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )

    def holders_of(self, role: str) -> list[int]:
        holders = Membership.objects.filter(role=role, user__is_active=True)
        return list(holders.values_list("user_id", flat=True).distinct())

    def visible_org_units(self, user: Any) -> frozenset[str] | None:
        return visible_org_units(user)

    def org_unit_exists_clause(self) -> str:
        return f"EXISTS ({_ORG_UNIT_EXISTS})"

    def org_unit_exists(self, code: str) -> bool:
        # Asked on every refused process start: a prepared statement, not an ORM query
        # (core/db/statements.py).
        return bool(execute((_ORG_UNIT_EXISTS, [code])))
