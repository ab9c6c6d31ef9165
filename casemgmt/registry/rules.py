"""Permissions for the registry area (django-rules); imported by casemgmt.rules.

Names start with "casemgmt.registry_" so they never shadow Django's model permissions.

- Projects and stations are public information: everyone signed in with a role may view them
  (the public directory shows them to anyone, without staff phones).
- A project's stations and staff are edited by the project's operating organization, by the staff
  of the office that coordinates it (the office in whose area the operator sits) and by process
  admins. District reviewers and auditors read only.
- Enterprises are personal-ish business data: staff only, scoped (casemgmt.org.scopes.registry_enterprises).
  Changing one (and deciding the changes an intake proposed for it) is narrower: the staff of the
  area it belongs to (casemgmt.registry.enterprises.changeable_enterprises), not whoever filed a case for it.
- The technical-institution search is for staff; the three public lookups need no sign-in.
"""

from __future__ import annotations

from typing import Any

import rules

from casemgmt.models import Enterprise, ServiceProject, ServiceStation, StationStaff
from casemgmt.org.directory import has_role, memberships
from casemgmt.org.predicates import is_auditor, is_process_admin, operating_area
from casemgmt.org.roles import Role

STAFF_ROLES = (
    Role.OPERATOR.value,
    Role.OFFICE_STAFF.value,
    Role.DISTRICT_REVIEWER.value,
    Role.PROCESS_ADMIN.value,
    Role.AUDITOR.value,
)


def project_of(obj: Any) -> ServiceProject | None:
    """The project a registry object belongs to (a project, a station or a staff member)."""
    if isinstance(obj, ServiceProject):
        return obj
    if isinstance(obj, ServiceStation):
        return obj.project
    if isinstance(obj, StationStaff):
        return obj.station.project
    return None


@rules.predicate
def has_any_role(user: Any) -> bool:
    return bool(memberships(user))


@rules.predicate
def is_registry_staff(user: Any) -> bool:
    return has_role(user, *STAFF_ROLES)


@rules.predicate
def runs_or_coordinates(user: Any, obj: Any) -> bool:
    """The project's operator staff, or office staff of the office above the operator."""
    project = project_of(obj)
    return project is not None and project.operator.code in operating_area(user)


@rules.predicate
def enterprise_in_scope(user: Any, enterprise: Any) -> bool:
    from casemgmt.org.scopes import registry_enterprises

    if not isinstance(enterprise, Enterprise):
        return False
    return registry_enterprises(user).filter(pk=enterprise.pk).exists()


@rules.predicate
def enterprise_owned(user: Any, enterprise: Any) -> bool:
    """The enterprise belongs to the user's area (casemgmt.registry.enterprises.changeable_enterprises):
    its division, or its home project. Seeing it through a case is not enough to change it."""
    from casemgmt.registry.enterprises import changeable_enterprises

    if not isinstance(enterprise, Enterprise):
        return False
    return changeable_enterprises(user).filter(pk=enterprise.pk).exists()


rules.add_perm("casemgmt.registry_view", has_any_role)
rules.add_perm("casemgmt.registry_change", is_process_admin | (~is_auditor & runs_or_coordinates))
rules.add_perm("casemgmt.registry_view_enterprise_list", is_registry_staff)
rules.add_perm("casemgmt.registry_add_enterprise", is_registry_staff & ~is_auditor)
rules.add_perm("casemgmt.registry_view_enterprise", is_registry_staff & enterprise_in_scope)
rules.add_perm("casemgmt.registry_change_enterprise", is_registry_staff & ~is_auditor & enterprise_owned)
rules.add_perm("casemgmt.registry_search_institutions", is_registry_staff)
# Station staff who are not public contacts (names, phones, e-mail): staff roles only. Everyone
# else signed in (enterprise users) sees what the public directory shows: the public contacts.
rules.add_perm("casemgmt.registry_view_staff_contacts", is_registry_staff)
