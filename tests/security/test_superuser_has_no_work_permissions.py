"""A Django superuser gets no work permission from being one (casemgmt/org/work_permissions.py).

Before: `User.has_perm` answered True for any active superuser without asking the rules, and
several predicates and scopes treated `is_superuser` as district-wide, so the demo `admin`
completed an operator's task and re-scored a self-assessment. Now the rules alone decide, and a
superuser with no role may do what a signed-in user with no role may do. The matrices
(tests/web/test_page_permissions.py, tests/workflows/test_api_permissions.py) walk every page
and endpoint with a superuser persona expecting the stranger's answers; this module covers the
service functions, every registered rule, and the Django admin site that stays the superuser's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from rules.permissions import permissions as registered_rules

from casemgmt.models import OrgUnit, Outcome, SavedFilter, ServiceProject
from casemgmt.org.work_permissions import is_model_permission
from casemgmt.promotion.services import start_assessment
from casemgmt.scorecard.models import Evaluation
from casemgmt.scorecard.seed import load_template
from casemgmt.scorecard.services import create_evaluation, set_score
from core.errors import ServiceError
from tests.factories import make_case, make_outcome, make_project, make_station
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)


@pytest.fixture
def task(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]) -> HumanTask:
    """operator_a's open task (group operator@operator-fs)."""
    deploy_fixture("approval")
    case = instances.start_instance(
        "approval", actor=cast.operator_a, org_unit_code=OPERATOR_A, business_key="SQ-9", subject="计量"
    )
    return case.human_tasks.get(status=HumanTask.Status.OPEN)


@pytest.fixture
def project(cast: Cast) -> ServiceProject:
    load_template()
    return make_project(
        coordinating_office=OrgUnit.objects.get(code=AREA_A), operator=OrgUnit.objects.get(code=OPERATOR_A)
    )


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_superuser_cannot_claim_or_complete_an_operators_task(cast: Cast, task: HumanTask) -> None:
    with pytest.raises(ServiceError):
        human_tasks.claim(task.pk, actor=cast.superuser)
    with pytest.raises(ServiceError):
        human_tasks.complete(task.pk, actor=cast.superuser, data={"title": "校准", "amount": 1})
    task.refresh_from_db()
    assert task.status == HumanTask.Status.OPEN and task.assignee_id is None


def test_a_superuser_cannot_complete_through_the_api_or_the_task_page(cast: Cast, task: HumanTask) -> None:
    client = login(cast.superuser)
    api = client.post(
        reverse("task-complete", kwargs={"pk": task.pk}),
        {"data": {"title": "校准", "amount": 1}},
        content_type="application/json",
    )
    assert api.status_code == 404  # a task it may not see, exactly as for a user with no role
    page = client.get(reverse("task-detail-page", kwargs={"pk": task.pk}))
    assert page.status_code == 404
    task.refresh_from_db()
    assert task.status == HumanTask.Status.OPEN


def test_a_superuser_cannot_score_or_evaluate(cast: Cast, project: ServiceProject) -> None:
    for stage in ("self", "office", "district"):
        with pytest.raises(ServiceError):
            create_evaluation(project, START, END, stage=stage, actor=cast.superuser)
    own = create_evaluation(project, START, END, stage="self", actor=cast.operator_a)
    with pytest.raises(ServiceError):
        set_score(own, 7, points="1", reason="改分", actor=cast.superuser)
    assert Evaluation.objects.count() == 1
    response = login(cast.superuser).get(reverse("scorecard-detail", kwargs={"pk": own.pk}))
    assert response.status_code in (403, 404)


def test_a_superuser_cannot_start_a_promotion_assessment(cast: Cast, project: ServiceProject) -> None:
    with pytest.raises(ServiceError):
        start_assessment(project.pk, actor=cast.superuser, period_start=START, period_end=END)
    assert not cast.superuser.has_perm("promotion.view_project", project)
    assert not cast.superuser.has_perm("promotion.view_report")


def test_every_rule_answers_a_superuser_as_a_user_with_no_role(
    cast: Cast, task: HumanTask, project: ServiceProject
) -> None:
    case = make_case(project=project)
    evaluation = create_evaluation(project, START, END, stage="self", actor=cast.operator_a)
    targets: list[Any] = [
        task,
        task.instance,
        case,
        case.enterprise,
        project,
        make_station(project=project),
        make_outcome(case=case),
        evaluation,
        {"org_unit": OPERATOR_A},
    ]
    names = sorted(registered_rules)
    assert len(names) > 30  # the project's rules are registered (guards against an empty walk)
    for name in names:
        for target in targets:
            assert cast.superuser.has_perm(name, target) == cast.stranger.has_perm(name, target), (
                name,
                target,
            )
        if not is_model_permission(name):
            assert cast.superuser.has_perm(name) == cast.stranger.has_perm(name), name


def test_an_inactive_process_admin_has_no_work_permission(cast: Cast, task: HumanTask) -> None:
    assert cast.admin.has_perm("workflows.manage_instance")
    cast.admin.is_active = False
    assert not cast.admin.has_perm("workflows.manage_instance")
    assert not cast.admin.has_perm("workflows.view_task", task)


def test_the_superuser_keeps_the_django_admin_site(cast: Cast) -> None:
    client = login(cast.superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    # Model permissions that share a name with a rule (scorecard.view_evaluation, ...) are asked
    # without an object by the admin site: still Django's answer there.
    for model in (Evaluation, Outcome, SavedFilter):
        if admin.site.is_registered(model):
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            assert client.get(reverse(name)).status_code == 200, name


def test_the_nav_offers_a_superuser_no_work_pages(cast: Cast) -> None:
    page = login(cast.superuser).get(reverse("inbox")).content.decode()
    for name in ("cases-list", "board", "instance-admin", "audit-review", "scorecard-list"):
        assert f'href="{reverse(name)}"' not in page, name


def test_a_process_admin_still_administers(cast: Cast, task: HumanTask) -> None:
    assert cast.admin.has_perm("workflows.manage_instance")
    assert cast.admin.has_perm("workflows.view_task", task)  # district-wide
    assert not cast.admin.has_perm("workflows.work_task", task)  # not in the operator's group
