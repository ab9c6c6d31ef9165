"""Who belongs where: memberships turned into candidate groups and visibility scopes.

Read from the database once per request and kept on the user object (core.request_cache), because
permission checks run many times per request. Nothing is kept across requests: a membership
removed in any process stops counting on the user's next request.

Usually nothing is read here at all: authentication loads the user row together with its
memberships and visible area (casemgmt/org/user_loading.py, `visible_area_sql`) and hands them to
`prime`. The lazy reads below answer for user objects that did not come that way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q

from casemgmt.models import Membership, OrgUnit
from casemgmt.org.roles import DISTRICT_WIDE_ROLES, Role
from core.db.statements import execute
from core.request_cache import per_user
from workflows import test_runs
from workflows.registry import group_key

_ORG_UNIT_TABLE = OrgUnit._meta.db_table
_MEMBERSHIP_TABLE = Membership._meta.db_table
_ORG_UNIT_EXISTS = f"SELECT 1 FROM {_ORG_UNIT_TABLE} WHERE code = %s"  # noqa: S608 - fixed names


def _area_below_sql(roots: str) -> str:
    """The codes of the org units matching `roots` (a condition on the org unit table) and of
    every unit below them, to a depth of 8: the tree is shallow; the cap guards against a cycle."""
    return (
        f"WITH RECURSIVE area(id, code, depth) AS (SELECT id, code, 0 FROM {_ORG_UNIT_TABLE} "  # noqa: S608
        f"WHERE {roots} UNION ALL "
        f"SELECT c.id, c.code, a.depth + 1 FROM {_ORG_UNIT_TABLE} c JOIN area a ON c.parent_id = a.id "
        "WHERE a.depth < 8) SELECT code FROM area"
    )


_AREA_BELOW = _area_below_sql("code = ANY(%s)")


def _load_memberships(user: Any) -> list[tuple[str, str, str]]:
    # Creation order, as user_loading loads them: describe() reports the first one.
    rows = Membership.objects.filter(user_id=user.pk).order_by("pk")
    return list(rows.values_list("role", "org_unit__code", "org_unit__kind"))


def memberships(user: Any) -> list[tuple[str, str, str]]:
    """[(role, org unit code, org unit kind)] for an authenticated user, else []."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return per_user(user, "memberships", lambda: _load_memberships(user))


def roles_of(user: Any) -> set[str]:
    return {role for role, _, _ in memberships(user)}


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user).intersection(roles))


def groups_of(user: Any) -> frozenset[str]:
    found = memberships(user)
    groups = {group_key(role, code) for role, code, _ in found}
    if any(role == Role.PROCESS_ADMIN.value for role, _, _ in found):
        groups.add(test_runs.group_of(user.pk))  # the tasks of their own test runs
    return frozenset(groups)


def visible_org_units(user: Any) -> frozenset[str] | None:
    """Org unit codes whose work the user may see; None means every unit."""
    if has_role(user, *DISTRICT_WIDE_ROLES):
        return None
    return per_user(user, "visible_org_units", lambda: _area_of_memberships(user))


def _area_of_memberships(user: Any) -> frozenset[str]:
    return area_below({code for _, code, _ in memberships(user)})


def role_area(user: Any, *roles: str) -> frozenset[str]:
    """Org unit codes at or below the user's memberships in these roles (once per request).

    Narrower than `visible_org_units` when the user also holds other roles: e.g. an enterprise
    membership must not extend what the same user may do as an operator.
    """
    return per_user(user, ("role_area", *sorted(roles)), lambda: _role_area(user, roles))


def _role_area(user: Any, roles: tuple[str, ...]) -> frozenset[str]:
    found = memberships(user)
    if found and all(role in roles for role, _, _ in found):
        # Every membership counts: that is the visible scope, which the request may know already.
        return visible_org_units(user) or frozenset()
    return area_below({code for role, code, _ in found if role in roles})


def visible_area_sql(user_id: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    """`visible_org_units` as one SQL expression, for loading it with the user row
    (casemgmt.org.user_loading): NULL for a district-wide user, else the array of the codes at
    and below its memberships' units. `user_id` is the SQL of the user's id in the outer query
    (its column), `params` that SQL's parameters."""
    own_units = f"SELECT m.org_unit_id FROM {_MEMBERSHIP_TABLE} m WHERE m.user_id = {user_id}"  # noqa: S608
    district_wide = f"SELECT 1 FROM {_MEMBERSHIP_TABLE} m WHERE m.user_id = {user_id} AND m.role = ANY(%s)"  # noqa: S608
    sql = (
        f"CASE WHEN EXISTS ({district_wide}) THEN NULL "
        f"ELSE ARRAY({_area_below_sql(f'id IN ({own_units})')}) END"
    )
    return sql, [*params, sorted(DISTRICT_WIDE_ROLES), *params]


def prime(user: Any, found: Iterable[Sequence[str]], area: Iterable[str] | None) -> None:
    """Take what authentication loaded with the user row as this request's answers: `found` the
    (role, org unit code, org unit kind) rows, `area` what `visible_area_sql` gave (None for a
    district-wide user). Only for a user object just loaded: what is on it already stays."""
    rows = [(role, code, kind) for role, code, kind in found]
    per_user(user, "memberships", lambda: rows)
    # The SQL answers NULL exactly when a membership is district-wide (one statement, one
    # snapshot); visible_org_units then answers None without asking the cache.
    if area is not None and not any(role in DISTRICT_WIDE_ROLES for role, _, _ in rows):
        visible = frozenset(area)
        per_user(user, "visible_org_units", lambda: visible)


def area_below(roots: set[str]) -> frozenset[str]:
    """The given org units and every unit below them (an office's area): one round trip, as
    every request that checks a scope asks it."""
    if not roots:
        return frozenset()
    return frozenset(roots) | {code for (code,) in execute((_AREA_BELOW, [sorted(roots)]))}


# How far up (or down) the org tree reaches: district → office → operator → station → enterprise.
AREA_DEPTH = 4
HANDOVER_ROLES = (Role.OPERATOR.value, Role.OFFICE_STAFF.value, Role.DISTRICT_REVIEWER.value)


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

    def colleagues_in(self, org_unit_code: str) -> list[int]:
        # The staff roles that work cases; auditors read, enterprises submit, process admins
        # repair: none of them takes over a colleague's task.
        staff = Membership.objects.filter(
            org_unit__code=org_unit_code, role__in=HANDOVER_ROLES, user__is_active=True
        )
        return list(staff.values_list("user_id", flat=True).distinct().order_by("user_id"))

    def signers_for(self, org_unit_code: str) -> list[int]:
        # The unit's staff and those of the units above it (an office, the district bureau):
        # a step is countersigned upwards, never by a sibling office's staff.
        above = Q(org_unit__code=org_unit_code)
        path = "org_unit__children"
        for _level in range(AREA_DEPTH):
            above |= Q(**{f"{path}__code": org_unit_code})
            path += "__children"
        staff = Membership.objects.filter(above, role__in=HANDOVER_ROLES, user__is_active=True)
        return list(staff.values_list("user_id", flat=True).distinct().order_by("user_id"))

    def staff(self) -> list[int]:
        staff = Membership.objects.filter(role__in=HANDOVER_ROLES, user__is_active=True)
        return list(staff.values_list("user_id", flat=True).distinct().order_by("user_id"))

    def visible_org_units(self, user: Any) -> frozenset[str] | None:
        return visible_org_units(user)

    def org_unit_exists_clause(self) -> str:
        return f"EXISTS ({_ORG_UNIT_EXISTS})"

    def org_unit_exists(self, code: str) -> bool:
        # Asked on every refused process start: a prepared statement, not an ORM query
        # (core/db/statements.py).
        return bool(execute((_ORG_UNIT_EXISTS, [code])))
