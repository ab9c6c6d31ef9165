"""The instance page offers a move to the model's newest version: the dry run, the form, refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import OPERATOR_A, Cast
from tests.workflows.test_migration import deploy_variant, with_legal_review, without_submit
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

from .test_instance_admin import client_for, detail_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(deploy_fixture: Callable[[str], ProcessModelVersion]) -> ProcessModelVersion:
    return deploy_fixture("approval")


@pytest.fixture
def case(v1: ProcessModelVersion, cast: Cast) -> ProcessInstance:
    instance = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    task = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    return instance


def migrate_url(case: ProcessInstance) -> str:
    return reverse("instance-admin-migrate", args=[case.pk])


def as_shown(client: Client, case: ProcessInstance, reason: str) -> dict[str, str]:
    """The form as the page shows it now: the version and the plan it confirms, and a reason."""
    plan = client.get(detail_url(case)).context["migration_plan"]
    return {"version": str(plan.to_version), "plan": plan.fingerprint, "reason": reason}


def test_no_card_while_the_instance_runs_the_newest_version(case: ProcessInstance, cast: Cast) -> None:
    page = client_for(cast.admin).get(detail_url(case))
    assert page.status_code == 200 and 'data-testid="migration"' not in page.content.decode()


def test_the_card_shows_the_plan_and_the_move_works(
    case: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, with_legal_review)
    client = client_for(cast.admin, "zh-hans")
    page = client.get(detail_url(case)).content.decode()
    assert 'data-testid="migration"' in page and "legal_review" in page and "迁移到版本 2" in page
    refused = client.post(migrate_url(case), as_shown(client, case, ""))
    assert refused.status_code == 400 and "必填项未填写" in refused.content.decode()
    assert ProcessInstance.objects.get(pk=case.pk).version.number == 1
    moved = client.post(migrate_url(case), as_shown(client, case, "新增法制审核环节"))
    assert moved.status_code == 302
    assert ProcessInstance.objects.get(pk=case.pk).version.number == 2
    assert 'data-testid="migration"' not in client.get(detail_url(case)).content.decode()


def test_a_blocked_move_shows_why_and_offers_no_form(
    case: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, without_submit)
    page = client_for(cast.admin, "en").get(detail_url(case)).content.decode()
    assert 'data-testid="migration-blockers"' in page and "submit" in page
    assert 'data-testid="action-migrate"' not in page
    body = {"version": "2", "plan": "", "reason": "x"}
    assert client_for(cast.admin).post(migrate_url(case), body).status_code == 409


def test_a_plan_that_changed_after_it_was_shown_is_shown_again_not_carried_out(
    case: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, with_legal_review)
    client = client_for(cast.admin, "en")
    shown = as_shown(client, case, "新增法制审核环节")
    assert shown["version"] == "2"
    # Another version is deployed meanwhile: the form still names version 2 and its plan, and the
    # case moves to version 2, the one the admin saw, never to the newest one they did not see.
    deploy_variant(v1, lambda xml: with_legal_review(xml).replace('name="区局审核"', 'name="区局复核"'))
    assert ProcessInstance.objects.get(pk=case.pk).version.process_model.versions.count() == 3
    moved = client.post(migrate_url(case), shown)
    assert moved.status_code == 302 and ProcessInstance.objects.get(pk=case.pk).version.number == 2
    # A plan that no longer holds (the case moved on since) is refused with the page shown again.
    stale = {**as_shown(client, case, "x"), "plan": "0" * 16}
    assert stale["version"] == "3"
    again = client.post(migrate_url(case), stale)
    assert again.status_code == 409 and "plan changed" in again.content.decode().lower()
    assert ProcessInstance.objects.get(pk=case.pk).version.number == 2
