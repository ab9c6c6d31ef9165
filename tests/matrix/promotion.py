"""Permission-matrix rows for naming and promotion: the district report, a project's history,
starting an assessment, the city package, the application page, and their API.

The objects: a street-level project of area A (operator-fs under office-fangsong) with the
shipped site_promotion diagram deployed; for the package, a city nomination of it; for the
application page, a cycle of it walked up to the open "apply" task (operator@operator-fs).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from casemgmt.models import ServiceProject
from casemgmt.promotion.models import CityNomination, ProjectAssessment
from casemgmt.promotion.services import start_assessment
from casemgmt.scorecard.models import Evaluation
from casemgmt.scorecard.submission import submit_evaluation
from tests.personas import OPERATOR_A
from tests.web.page_matrix_rows import Check, get_refused, only, who
from tests.workflows.api_matrix_support import Row, everyone_authenticated

# Pages anyone may open without signing in (their rows expect 200 for "anonymous").
PUBLIC_PAGES: frozenset[str] = frozenset()
PERIOD = {"period_start": "2026-01-01", "period_end": "2026-12-31"}

# promotion.view_report: the district-wide roles, the offices and the operating organizations
# (each sees its own area).
REPORT_READERS = ("admin", "auditor", "reviewer", "office_a", "office_b", "operator_a", "operator_b")
# promotion.view_project on a project of area A: the district, office A and operator A; the rest 404.
SEES_PROJECT_A = ("admin", "auditor", "reviewer", "office_a", "operator_a")


def _project_a() -> ServiceProject:
    from tests.promotion.support import project_in, setup_promotion

    setup_promotion()  # idempotent: same diagram → same version; the template loads once
    found = ServiceProject.objects.filter(code="promo-matrix-a").first()
    return found or project_in(OPERATOR_A, code="promo-matrix-a", case_prefix="PMA")


def project_a(_: Any = None) -> dict[str, Any]:
    return {"pk": _project_a().pk}


def nomination_a(_: Any = None) -> dict[str, Any]:
    project = _project_a()
    instance = start_assessment(
        project.pk,
        actor=None,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    nomination = CityNomination.objects.create(
        project=project,
        assessment=ProjectAssessment.objects.get(instance=instance),
        package=b"%PDF-1.4 test",
        package_format="pdf",
        package_name="city-nomination.pdf",
        submitted_at=timezone.now(),
    )
    return {"pk": nomination.pk}


def prepare(world: Any) -> None:
    """Built once with the page matrix's world (tests/module_world.py), not per test: walking a
    cycle to the application takes seconds, and two dozen requests point at it."""
    world.promotion_apply_task = apply_task_a()["pk"]


def apply_task_a(world: Any = None) -> dict[str, Any]:
    """A cycle of project A waiting at the operator's application (self 75, office 75)."""
    from django.contrib.auth.models import User

    prepared = getattr(world, "promotion_apply_task", None)
    if prepared is not None:
        return {"pk": prepared}

    from tests.promotion.support import fill_to, open_task

    project = _project_a()
    instance = start_assessment(
        project.pk, actor=None, period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31)
    )
    operator = User.objects.get(username="operator_a")
    office = User.objects.get(username="office_a")
    own = Evaluation.objects.get(instance=instance, stage="self")
    submit_evaluation(fill_to(own, "75.0", operator), actor=operator)
    office_eval = Evaluation.objects.get(instance=instance, stage="office")
    submit_evaluation(fill_to(office_eval, "75.0", office), actor=office)
    return {"pk": open_task(instance, "apply").pk}


PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "promotion-report": (Check("get", "get", only(200, *REPORT_READERS)),),
    "promotion-project": (Check("get", "get", who(404, **dict.fromkeys(SEES_PROJECT_A, 200)), project_a),),
    # The one "start an assessment" action: the promotion cycle for district reviewers and office
    # staff of the area; a self-assessment scorecard for the project's own organization. Those who
    # cannot see project A are told it does not exist.
    "assessment-start": (
        Check(
            "post-promotion",
            "post",
            who(404, admin=403, auditor=403, reviewer=302, office_a=302, operator_a=403),
            body=lambda w: {"project": _project_a().pk, "kind": "promotion", **PERIOD},
        ),
        Check(
            "post-self",
            "post",
            who(404, admin=403, auditor=403, reviewer=403, office_a=403, operator_a=302),
            body=lambda w: {"project": _project_a().pk, "kind": "self", **PERIOD},
        ),
        get_refused(),
    ),
    # The package: the district and the project's office; its operator sees the project, not the file.
    "promotion-package": (
        Check(
            "get",
            "get",
            who(404, admin=200, auditor=200, reviewer=200, office_a=200, operator_a=403),
            nomination_a,
        ),
    ),
    # The application: only the task's candidate group (operator@operator-fs) works it.
    "promotion-apply": (
        Check(
            "get",
            "get",
            who(404, admin=403, auditor=403, reviewer=403, office_a=403, operator_a=200),
            apply_task_a,
        ),
        Check(
            "post",
            "post",
            who(404, admin=403, auditor=403, reviewer=403, office_a=403, operator_a=302),
            apply_task_a,
            {"proposed_name": "松江区食品制造产业质量基础设施“一站式”服务项目", "statement": "申请"},
        ),
    ),
}


def _api_project_url(name: str) -> Any:
    def build(_: Any) -> str:
        return reverse(name, kwargs={"code": _project_a().code})

    return build


API_ROWS: dict[str, Row] = {
    "promotion-api-pipeline": Row(
        "get",
        lambda w: reverse("promotion-api-pipeline"),
        None,
        {**everyone_authenticated(403), **dict.fromkeys(REPORT_READERS, 200)},
        403,
    ),
    "promotion-api-assessments": Row(
        "get",
        _api_project_url("promotion-api-assessments"),
        None,
        {**everyone_authenticated(404), **dict.fromkeys(SEES_PROJECT_A, 200)},
        403,
    ),
    "promotion-api-start": Row(
        "post",
        _api_project_url("promotion-api-start"),
        lambda w: PERIOD,
        {
            **everyone_authenticated(404),
            **dict.fromkeys(SEES_PROJECT_A, 403),
            "reviewer": 201,
            "office_a": 201,
        },
        403,
    ),
}
