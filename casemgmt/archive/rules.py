"""Permissions for the archive area (django-rules); imported by casemgmt.rules.

Seeing follows casemgmt.archive.timeline's scopes (an object out of scope answers 404 in the views);
recording and correcting outcomes is for the project's own operating organization, its
coordinating office and process admins. District reviewers and auditors read only.
"""

from __future__ import annotations

from typing import Any

import rules

from casemgmt.models import Enterprise, Outcome, ServiceProject
from casemgmt.org.predicates import is_process_admin, operating_area
from casemgmt.org.scopes import may_see_enterprise, may_see_outcome, may_see_project


def works_for_project(user: Any, project: ServiceProject) -> bool:
    """Operator staff of the project's operating organization or staff of the office above it."""
    return project.operator.code in operating_area(user)


def _project_of(target: Any) -> ServiceProject | None:
    if isinstance(target, ServiceProject):
        return target
    if isinstance(target, Outcome):
        return target.project
    return None


@rules.predicate
def sees_project(user: Any, target: Any) -> bool:
    project = _project_of(target)
    return project is not None and may_see_project(user, project)


@rules.predicate
def sees_enterprise(user: Any, target: Any) -> bool:
    return isinstance(target, Enterprise) and may_see_enterprise(user, target)


@rules.predicate
def sees_outcome(user: Any, target: Any) -> bool:
    return isinstance(target, Outcome) and may_see_outcome(user, target)


@rules.predicate
def records_for_project(user: Any, target: Any) -> bool:
    project = _project_of(target)
    return project is not None and works_for_project(user, project)


# The archive of one enterprise (page, JSON, its 服务情况统计表).
rules.add_perm("casemgmt.view_enterprise_archive", sees_enterprise)
# A project's outcome list and its 服务情况统计表.
rules.add_perm("casemgmt.view_project_archive", sees_project)
rules.add_perm("casemgmt.view_outcome", sees_outcome)
# Target: the project (record) or the outcome (correct).
rules.add_perm("casemgmt.record_outcome", is_process_admin | records_for_project)
rules.add_perm("casemgmt.correct_outcome", is_process_admin | records_for_project)
