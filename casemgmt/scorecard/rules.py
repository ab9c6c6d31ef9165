"""Permissions of the scorecard app (django-rules, autodiscovered).

- A self-assessment (自评) is filled by the project's operating organization; the office
  evaluation by the staff of the office whose area holds the project's operator; the district
  evaluation by district reviewers.
- Everybody who may fill a stage of a project may read that project's evaluations, as may the
  district, process admins and the read-only auditor. Enterprise users see none.
- Typical cases: office staff submit them for projects in their area; district reviewers review.
"""

from __future__ import annotations

from typing import Any

import rules

from casemgmt.models import OrgUnit, ServiceProject
from casemgmt.org.directory import has_role, role_area
from casemgmt.org.predicates import is_auditor, is_process_admin
from casemgmt.org.roles import Role

from .models import Evaluation, Stage, TypicalCase


def project_of(obj: Any) -> ServiceProject | None:
    if isinstance(obj, ServiceProject):
        return obj
    if isinstance(obj, (Evaluation, TypicalCase)):
        return obj.project
    return None


def _project_in_role_area(user: Any, obj: Any, role: str) -> bool:
    project = project_of(obj)
    return project is not None and project.operator.code in role_area(user, role)


@rules.predicate
def is_district(user: Any) -> bool:
    return has_role(user, Role.DISTRICT_REVIEWER.value)


@rules.predicate
def runs_project(user: Any, obj: Any) -> bool:
    return _project_in_role_area(user, obj, Role.OPERATOR.value)


@rules.predicate
def coordinates_project(user: Any, obj: Any) -> bool:
    return _project_in_role_area(user, obj, Role.OFFICE_STAFF.value)


@rules.predicate
def district_coordinates(user: Any, obj: Any) -> bool:
    """District- and city-level projects have no office above their operator: the district
    reviewers do the office's part (as the lane resolver sends them the office-lane tasks)."""
    project = project_of(obj)
    if project is None or not has_role(user, Role.DISTRICT_REVIEWER.value):
        return False
    return project.operator.nearest(OrgUnit.Kind.OFFICE) is None


@rules.predicate
def evaluates_stage(user: Any, evaluation: Any) -> bool:
    """The evaluation's stage is the user's to fill for this project."""
    if not isinstance(evaluation, Evaluation):
        return False
    if evaluation.stage == Stage.SELF:
        return bool(runs_project(user, evaluation))
    if evaluation.stage == Stage.OFFICE:
        return bool(coordinates_project(user, evaluation) or district_coordinates(user, evaluation))
    return bool(is_district(user))


@rules.predicate
def has_scorecard_role(user: Any) -> bool:
    return has_role(
        user,
        Role.OPERATOR.value,
        Role.OFFICE_STAFF.value,
        Role.DISTRICT_REVIEWER.value,
        Role.AUDITOR.value,
        Role.PROCESS_ADMIN.value,
    )


# Lists: anyone with a staff role (the list itself is scoped by queries.visible_evaluations).
rules.add_perm("scorecard.view_evaluation_list", has_scorecard_role)
rules.add_perm(
    "scorecard.view_evaluation",
    is_process_admin | is_auditor | is_district | runs_project | coordinates_project,
)
rules.add_perm("scorecard.change_evaluation", ~is_auditor & evaluates_stage)
# Starting an evaluation of a project, per stage (the object is the project).
rules.add_perm("scorecard.self_assess", ~is_auditor & runs_project)
rules.add_perm("scorecard.office_evaluate", ~is_auditor & (coordinates_project | district_coordinates))
rules.add_perm("scorecard.district_evaluate", ~is_auditor & is_district)

rules.add_perm("scorecard.view_typical_case_list", has_scorecard_role)
rules.add_perm(
    "scorecard.view_typical_case",
    is_process_admin | is_auditor | is_district | coordinates_project | runs_project,
)
rules.add_perm("scorecard.submit_typical_case", ~is_auditor & coordinates_project)
rules.add_perm("scorecard.review_typical_case", ~is_auditor & is_district)

STAGE_PERMISSIONS = {
    Stage.SELF.value: "scorecard.self_assess",
    Stage.OFFICE.value: "scorecard.office_evaluate",
    Stage.DISTRICT.value: "scorecard.district_evaluate",
}
