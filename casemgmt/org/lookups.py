"""Lookup sources for form fields that name a person (workflows/lookups.py): one per working role,
`users-<role>`, whose values are user names. A picker lists the active holders of that role in
the org units the picking user may see (everyone's for district-wide roles), so an office clerk
names a colleague of their own area, never someone else's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casemgmt.models import Membership
from workflows.lookups import Context, LookupSource, register_lookup

from .directory import visible_org_units
from .roles import Role

# Whose names a form may ask for: the roles that work cases (not auditors or enterprise users).
PICKED_ROLES = (Role.OPERATOR, Role.OFFICE_STAFF, Role.DISTRICT_REVIEWER, Role.PROCESS_ADMIN)
QUERY_LENGTH = 100


def _holders(role: str, user: Any) -> QuerySet[Any]:
    memberships = Membership.objects.filter(role=role, user__is_active=True)
    scope = None if user is None else visible_org_units(user)
    if user is not None and scope is not None:
        memberships = memberships.filter(org_unit__code__in=scope)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


def _label(person: Any) -> str:
    name = person.get_full_name() or person.get_username()
    return f"{name}（{person.get_username()}）"


def _source(role: Role) -> LookupSource:
    def search(query: str, user: Any, limit: int, context: Context) -> list[tuple[Any, str]]:
        found = _holders(role.value, user)
        for word in query.strip()[:QUERY_LENGTH].split():
            found = found.filter(
                Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )
        return [(p.get_username(), _label(p)) for p in found.order_by("username")[:limit]]

    def labels(values: Iterable[Any], user: Any) -> dict[Any, str]:
        names = [v for v in values if isinstance(v, str)]
        return {p.get_username(): _label(p) for p in _holders(role.value, user).filter(username__in=names)}

    # Lazy both ways: the label is read in the language of each request.
    return LookupSource(format_lazy(_("user of {role}"), role=role.label), "string", search, labels)


def register() -> None:
    for role in PICKED_ROLES:
        register_lookup(f"users-{role.value}", _source(role))
