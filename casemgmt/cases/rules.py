"""Permissions for the cases area (django-rules); imported by casemgmt.rules.

Who sees a service case (办件): operators their own project's cases, offices the cases of the
projects in their area, enterprise users their own enterprise's cases, the district, process
admins and auditors every case. Intake at the window is for the roles that work cases, within
the project they may see; withdrawing and cancelling are operating decisions (operators and
offices of the case's area, process admins), withdrawing also the enterprise's own.
"""

from __future__ import annotations

from typing import Any

import rules

from casemgmt.models import ServiceCase, ServiceProject
from casemgmt.org.directory import has_role, memberships, visible_org_units
from casemgmt.org.predicates import in_scope, operating_area
from casemgmt.org.roles import Role


def _enterprise_units(user: Any) -> set[str]:
    return {code for role, code, _ in memberships(user) if role == Role.ENTERPRISE.value}


@rules.predicate
def is_case_admin(user: Any) -> bool:
    return has_role(user, Role.PROCESS_ADMIN.value)


@rules.predicate
def is_case_auditor(user: Any) -> bool:
    return has_role(user, Role.AUDITOR.value)


@rules.predicate
def works_cases(user: Any) -> bool:
    return has_role(user, Role.OPERATOR.value, Role.OFFICE_STAFF.value, Role.DISTRICT_REVIEWER.value)


@rules.predicate
def project_in_scope(user: Any, project: Any) -> bool:
    """The project's operating organization lies in the user's area (None project: any project)."""
    if project is None:
        return True
    if not isinstance(project, ServiceProject):
        return False
    return in_scope(user, project.operator.code)


@rules.predicate
def case_in_work_scope(user: Any, case: Any) -> bool:
    """Operators, offices and the district: the case's project is theirs to see."""
    if not isinstance(case, ServiceCase):
        return False
    if not has_role(user, Role.OPERATOR.value, Role.OFFICE_STAFF.value, Role.DISTRICT_REVIEWER.value):
        return False
    scope = visible_org_units(user)
    if scope is None:
        return True
    # Only the operator/office memberships count here: an enterprise membership of the same user
    # must not open other enterprises' cases.
    return case.project.operator.code in scope


@rules.predicate
def case_of_my_enterprise(user: Any, case: Any) -> bool:
    if not isinstance(case, ServiceCase):
        return False
    unit = case.enterprise.org_unit
    return unit is not None and unit.code in _enterprise_units(user)


@rules.predicate
def case_in_operating_area(user: Any, case: Any) -> bool:
    """Operator or office membership whose area holds the case's operating organization."""
    if not isinstance(case, ServiceCase):
        return False
    return case.project.operator.code in operating_area(user)


rules.add_perm("cases.view_case_list", rules.is_authenticated)
rules.add_perm(
    "cases.view_case", is_case_admin | is_case_auditor | case_in_work_scope | case_of_my_enterprise
)
rules.add_perm("cases.submit_case", is_case_admin | (works_cases & project_in_scope))
rules.add_perm(
    "cases.withdraw_case",
    is_case_admin | (~is_case_auditor & (case_in_operating_area | case_of_my_enterprise)),
)
rules.add_perm("cases.cancel_case", is_case_admin | (~is_case_auditor & case_in_operating_area))
# Staff-only fields of a case (casemgmt.cases.presentation.CASE_FIELDS): everyone who sees the
# case except through an enterprise membership.
rules.add_perm("cases.view_case_internals", is_case_admin | is_case_auditor | case_in_work_scope)
