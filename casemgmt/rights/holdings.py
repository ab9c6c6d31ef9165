"""What the service holds about an enterprise's contacts, as its own users see it (in full: it is
theirs), and which enterprises a user may ask about.

An enterprise user's enterprises are those whose org unit (Enterprise.org_unit) the user is a
member of with the enterprise role; staff memberships count for nothing here, so a staff member
sees no enterprise's page through this door (they have the registry and the archive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from casemgmt.consent import records as consent_records
from casemgmt.org.directory import has_role, memberships
from casemgmt.org.roles import Role

from ..models import ConsentRecord, CorrectionRequest, Enterprise, ServiceCase

# The registered details a correction may change: the contact's personal information (the name,
# size class and industry describe the enterprise, not a person, and stay with its staff).
CORRECTABLE = ("contact_name", "phone", "address")


def is_enterprise_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, Role.ENTERPRISE.value)


def own_enterprises(user: Any) -> QuerySet[Enterprise]:
    """The enterprises the user belongs to as an enterprise user (none for anyone else)."""
    if not is_enterprise_user(user):
        return Enterprise.objects.none()
    units = {code for role, code, _name in memberships(user) if role == Role.ENTERPRISE.value}
    return Enterprise.objects.filter(org_unit__code__in=units).order_by("name", "pk")


@dataclass(frozen=True)
class Holding:
    """One enterprise's personal data as held: registered contact, case contacts, consents and
    correction requests (newest first)."""

    enterprise: Enterprise
    cases: list[ServiceCase]
    consents: list[ConsentRecord]
    corrections: list[CorrectionRequest]


def held(enterprise: Enterprise) -> Holding:
    cases = list(
        ServiceCase.objects.filter(enterprise=enterprise)
        .select_related("project", "typed_enterprise")
        .order_by("-submitted_at", "-pk")
    )
    corrections = list(
        CorrectionRequest.objects.filter(enterprise=enterprise)
        .select_related("proposal")
        .order_by("-created_at", "-pk")
    )
    return Holding(enterprise, cases, list(consent_records.for_enterprise(enterprise)), corrections)
