"""Who may see which projects, cases, outcomes and enterprises: one answer for the case pages,
the archive, the exports and their permission rules.

- district-wide roles (reviewer, process admin, auditor) and superusers see everything;
- operator and office staff see the projects whose operating organization lies in their area
  (an office's area is everything below it; an operator's is its own organization);
- enterprise users see their own enterprise (Enterprise.org_unit among their memberships), with
  every case and outcome of it, whichever project served it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from .directory import memberships, role_area, visible_org_units
from .models import Enterprise, Outcome, ServiceCase, ServiceProject
from .roles import Role


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything (`everything`), else projects by id and enterprises by id."""

    everything: bool
    project_ids: frozenset[int]
    enterprise_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.everything and not self.project_ids and not self.enterprise_ids


_SCOPE_ATTR = "_nqi_archive_scope"


def scope_of(user: Any) -> Scope:
    """The user's archive scope; cached on the user object for the request."""
    cached = getattr(user, _SCOPE_ATTR, None)
    if isinstance(cached, Scope):
        return cached
    found = _compute_scope(user)
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, _SCOPE_ATTR, found)
    return found


def _compute_scope(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(False, frozenset(), frozenset())
    if visible_org_units(user) is None:
        return Scope(True, frozenset(), frozenset())
    own = {code for role, code, _ in memberships(user) if role == Role.ENTERPRISE.value}
    area = role_area(user, Role.OPERATOR.value, Role.OFFICE_STAFF.value)
    project_ids = frozenset(
        ServiceProject.objects.filter(operator__code__in=area).values_list("pk", flat=True) if area else []
    )
    enterprise_ids = frozenset(
        Enterprise.objects.filter(org_unit__code__in=own).values_list("pk", flat=True) if own else []
    )
    return Scope(False, project_ids, enterprise_ids)


def visible_projects(user: Any) -> QuerySet[ServiceProject]:
    """Projects whose work the user may see (enterprise users see none as a project)."""
    scope = scope_of(user)
    projects = ServiceProject.objects.all()
    return projects if scope.everything else projects.filter(pk__in=scope.project_ids)


def visible_cases(user: Any) -> QuerySet[ServiceCase]:
    scope = scope_of(user)
    cases = ServiceCase.objects.all()
    if scope.everything:
        return cases
    return cases.filter(Q(project_id__in=scope.project_ids) | Q(enterprise_id__in=scope.enterprise_ids))


def visible_outcomes(user: Any) -> QuerySet[Outcome]:
    scope = scope_of(user)
    outcomes = Outcome.objects.all()
    if scope.everything:
        return outcomes
    return outcomes.filter(Q(project_id__in=scope.project_ids) | Q(enterprise_id__in=scope.enterprise_ids))


def visible_enterprises(user: Any) -> QuerySet[Enterprise]:
    """Enterprises with a case or outcome the user may see, and the user's own enterprise."""
    scope = scope_of(user)
    enterprises = Enterprise.objects.all()
    if scope.everything:
        return enterprises
    served = Q(cases__project_id__in=scope.project_ids) | Q(outcomes__project_id__in=scope.project_ids)
    ids = Enterprise.objects.filter(served).values("pk")
    return enterprises.filter(Q(pk__in=ids) | Q(pk__in=scope.enterprise_ids))


def may_see_project(user: Any, project: ServiceProject) -> bool:
    scope = scope_of(user)
    return scope.everything or project.pk in scope.project_ids


def may_see_enterprise(user: Any, enterprise: Enterprise) -> bool:
    return visible_enterprises(user).filter(pk=enterprise.pk).exists()


def may_see_case(user: Any, case: ServiceCase) -> bool:
    scope = scope_of(user)
    return (
        scope.everything or case.project_id in scope.project_ids or case.enterprise_id in scope.enterprise_ids
    )


def may_see_outcome(user: Any, outcome: Outcome) -> bool:
    scope = scope_of(user)
    return (
        scope.everything
        or outcome.project_id in scope.project_ids
        or (outcome.enterprise_id is not None and outcome.enterprise_id in scope.enterprise_ids)
    )
