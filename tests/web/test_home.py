"""The home page shows each role what it does, first: nobody lands on an empty inbox."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.approvals.support import deploy_approval, open_task
from tests.personas import OPERATOR_A, Cast
from tests.web.inbox_support import client_for
from workflows import human_tasks, instances
from workflows.models import InstanceStatus

pytestmark = pytest.mark.django_db


def sections(user: object) -> set[str]:
    html = client_for(user).get(reverse("home")).content.decode()
    return {name for name in ("home-work", "home-enterprise", "home-admin", "home-audit") if name in html}


def test_each_role_sees_its_own_part(cast: Cast) -> None:
    assert sections(cast.operator_a) == {"home-work"}
    assert sections(cast.office_a) == {"home-work"}
    assert sections(cast.enterprise_a) == {"home-enterprise"}
    assert sections(cast.auditor) == {"home-audit"}
    assert "home-admin" in sections(cast.admin)
    assert sections(cast.stranger) == set()


def test_the_worker_sees_waiting_tasks_and_what_they_handled(cast: Cast) -> None:
    deploy_approval()
    case = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="HM-1", subject="电子秤检定", org_unit_code=OPERATOR_A
    )
    waiting = client_for(cast.operator_a).get(reverse("home"))
    assert [t.pk for t in waiting.context["home"].work["waiting"]] == [open_task(case).pk]
    human_tasks.complete(open_task(case).pk, actor=cast.operator_a, data={"title": "检定", "amount": 1})
    page = client_for(cast.operator_a).get(reverse("home"))
    assert page.context["home"].work["waiting"] == []
    assert [t.instance_id for t in page.context["home"].work["done"]] == [case.pk]
    assert "电子秤检定" in page.content.decode()
    office = client_for(cast.office_a).get(reverse("home")).context["home"]
    assert [t.task_spec for t in office.work["waiting"]] == ["office_review"]


def test_the_enterprise_is_offered_a_new_request(cast: Cast) -> None:
    html = client_for(cast.enterprise_a).get(reverse("home")).content.decode()
    assert 'data-testid="link-new-request"' in html and reverse("public-intake") in html
    assert 'data-testid="link-inbox"' not in html


def test_the_admin_sees_instances_in_error(cast: Cast) -> None:
    deploy_approval()
    case = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    type(case).objects.filter(pk=case.pk).update(status=InstanceStatus.ERROR, error_task_spec="submit")
    home = client_for(cast.admin).get(reverse("home")).context["home"]
    assert home.admin["error_count"] == 1 and [i.pk for i in home.admin["errors"]] == [case.pk]


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
