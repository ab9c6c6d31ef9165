"""Permissions of the promotion app (django-rules, autodiscovered).

Who sees a project's promotion history: the district (reviewers, process admins, auditors), the
office whose area holds the project's operating organization, and that organization's own staff.
The district report and the pipeline: the district, the offices and the operating organizations,
each seeing the rows of its own area only (an organization its own projects, whose promotion pages
it may open anyway). Starting an assessment: office staff for the projects of their area and the
district reviewers (the process itself then puts each step in the right inbox). The city
package: the district and the project's office.
"""

from __future__ import annotations

from typing import Any

import rules

from casemgmt.models import ServiceProject
from casemgmt.org.directory import has_role
from casemgmt.org.predicates import in_scope
from casemgmt.org.roles import Role

from .models import CityNomination


def _project_of(target: Any) -> ServiceProject | None:
    if isinstance(target, ServiceProject):
        return target
    if isinstance(target, CityNomination):
        return target.project
    return None


def _sees(user: Any, project: ServiceProject | None) -> bool:
    return project is not None and in_scope(user, project.operator.code)


@rules.predicate
def is_district(user: Any) -> bool:
    return has_role(user, Role.DISTRICT_REVIEWER.value, Role.PROCESS_ADMIN.value, Role.AUDITOR.value)


@rules.predicate
def is_reviewer(user: Any) -> bool:
    return has_role(user, Role.DISTRICT_REVIEWER.value)


@rules.predicate
def is_office(user: Any) -> bool:
    return has_role(user, Role.OFFICE_STAFF.value)


@rules.predicate
def is_operator(user: Any) -> bool:
    return has_role(user, Role.OPERATOR.value)


@rules.predicate
def project_visible(user: Any, target: Any) -> bool:
    return _sees(user, _project_of(target))


rules.add_perm("promotion.view_report", is_district | is_office | is_operator)
rules.add_perm("promotion.view_project", is_district | ((is_office | is_operator) & project_visible))
rules.add_perm("promotion.start_assessment", is_reviewer | (is_office & project_visible))
rules.add_perm("promotion.download_package", is_district | (is_office & project_visible))
