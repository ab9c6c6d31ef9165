"""Who sees which projects, cases, outcomes and enterprises: every such rule of casemgmt, one
definition each, for the pages, the API, the exports and the permission rules.

The archive's scope (projects, cases, outcomes, `visible_enterprises`):

- district-wide roles (reviewer, process admin, auditor) and superusers see everything;
- operator and office staff see the projects whose operating organization lies in their area
  (an office's area is everything below it; an operator's is its own organization);
- enterprise users see their own enterprise (Enterprise.org_unit among their memberships), with
  every case and outcome of it, whichever project served it.

The enterprise registry (`registry_enterprises`) answers a different question, who may look up an
enterprise's master data, for staff only: an office also sees the enterprises located in its
divisions and those served by projects it coordinates, whether or not it may see their cases;
an enterprise membership grants nothing there. `changeable_enterprises` (casemgmt.registry.enterprises),
who may change that data, is a narrower set built on the same `enterprises_in_operating_area`.

Work items (process instances, human tasks) are the engine's: workflows/queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from casemgmt.models import Enterprise, Outcome, ServiceCase, ServiceProject
from casemgmt.org.directory import has_role, memberships, visible_org_units
from casemgmt.org.predicates import operating_area
from casemgmt.org.roles import DISTRICT_WIDE_ROLES, Role
from core.request_cache import per_user


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything (`everything`), else projects by id and enterprises by id."""

    everything: bool
    project_ids: frozenset[int]
    enterprise_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.everything and not self.project_ids and not self.enterprise_ids


def scope_of(user: Any) -> Scope:
    """The user's archive scope, computed once per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(False, frozenset(), frozenset())
    return per_user(user, "archive_scope", lambda: _compute_scope(user))


def _compute_scope(user: Any) -> Scope:
    if visible_org_units(user) is None:
        return Scope(True, frozenset(), frozenset())
    own = {code for role, code, _ in memberships(user) if role == Role.ENTERPRISE.value}
    area = operating_area(user)
    project_ids = frozenset(
        ServiceProject.objects.filter(operator__code__in=area).values_list("pk", flat=True) if area else []
    )
    enterprise_ids = frozenset(
        Enterprise.objects.filter(org_unit__code__in=own).values_list("pk", flat=True) if own else []
    )
    return Scope(False, project_ids, enterprise_ids)


def visible_projects(user: Any) -> QuerySet[ServiceProject]:
    """Projects whose work the user may see (enterprise users see none as a project).

    The one rule for the archive and the promotion reports: the projects whose operator lies in
    the user's operator/office area. (Enterprise org units are leaves of the org tree, so an
    enterprise membership never brings an operating organization into a user's area.)
    """
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
    """The archive: enterprises with a case or outcome the user may see, and the user's own."""
    scope = scope_of(user)
    enterprises = Enterprise.objects.all()
    if scope.everything:
        return enterprises
    served = Q(cases__project_id__in=scope.project_ids) | Q(outcomes__project_id__in=scope.project_ids)
    ids = Enterprise.objects.filter(served).values("pk")
    return enterprises.filter(Q(pk__in=ids) | Q(pk__in=scope.enterprise_ids))


def registry_enterprises(user: Any) -> QuerySet[Enterprise]:
    """The registry: the enterprises whose master data a staff member may look up.

    District-wide roles see all. Office staff see the enterprises located in their area's
    divisions or with cases of projects in their area; operators those with cases in their
    project (divisions hang under offices, so the division test never matches for an operator).
    Enterprise memberships grant nothing here: operating_area counts operator/office ones only.
    """

    def in_area(area: frozenset[str]) -> QuerySet[Enterprise]:
        return Enterprise.objects.filter(
            Q(division__code__in=area)
            | Q(
                pk__in=ServiceCase.objects.filter(
                    Q(project__operator__code__in=area) | Q(project__coordinating_office__code__in=area)
                ).values("enterprise_id")
            )
        )

    return enterprises_in_operating_area(user, in_area)


def enterprises_in_operating_area(
    user: Any, in_area: Callable[[frozenset[str]], QuerySet[Enterprise]]
) -> QuerySet[Enterprise]:
    """Every enterprise for district-wide roles, none without an operator or office membership,
    else `in_area` of the org-unit codes the user works in (the registry's staff scopes)."""
    if has_role(user, *DISTRICT_WIDE_ROLES):
        return Enterprise.objects.all()
    area = operating_area(user)
    return in_area(area) if area else Enterprise.objects.none()


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
