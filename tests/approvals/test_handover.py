"""转办 and 委派: to a colleague of the task's org unit, with a reason; a delegated task comes back
to its owner to complete, and nobody else moves it meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import Membership, OrgUnit
from core.errors import Conflict, InvalidInput
from notifications.delivery import deliver
from notifications.models import Notification
from tests.approvals.support import deploy_approval, open_task
from tests.factories import make_user
from tests.personas import AREA_A, OPERATOR_A, Cast
from tests.web.inbox_support import client_for
from workflows import handover, human_tasks, instances
from workflows.models import HumanTask

pytestmark = pytest.mark.django_db


def office_review(cast: Cast) -> HumanTask:
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-8", subject="校准", org_unit_code=OPERATOR_A
    )
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    review = open_task(instance)
    human_tasks.claim(review.pk, actor=cast.office_a)
    return review


def test_transfer_hands_the_task_over_for_good(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    deliver()
    names = [u.get_username() for u in handover.colleagues(review, cast.office_a)]
    assert names == [cast.office_a2.get_username()]  # the unit's staff, not oneself
    handover.transfer(review.pk, actor=cast.office_a, to="office_a2", reason="休假")
    review.refresh_from_db()
    assert review.assignee_id == cast.office_a2.pk and review.owner_id is None
    assert AuditEvent.objects.get(action=Action.TASK_TRANSFERRED).reason == "休假"
    deliver()
    assert Notification.objects.filter(
        recipient=cast.office_a2, kind=Notification.Kind.TASK_ASSIGNED
    ).exists()
    human_tasks.complete(review.pk, actor=cast.office_a2, data={"approved": True})


def test_delegate_then_hand_back_then_the_owner_completes(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    handover.delegate(review.pk, actor=cast.office_a, to="office_a2", reason="请先核实材料")
    review.refresh_from_db()
    assert review.owner_id == cast.office_a.pk and review.assignee_id == cast.office_a2.pk
    for attempt in (
        lambda: human_tasks.complete(review.pk, actor=cast.office_a2, data={"approved": True}),
        lambda: human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}),
        lambda: handover.transfer(review.pk, actor=cast.office_a2, to="office_a", reason="x"),
        lambda: human_tasks.unclaim(review.pk, actor=cast.office_a2),
    ):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert caught.value.code == "delegated"
    handover.hand_back(review.pk, actor=cast.office_a2, opinion="材料属实。")
    review.refresh_from_db()
    assert review.owner_id is None and review.assignee_id == cast.office_a.pk
    assert AuditEvent.objects.get(action=Action.TASK_DELEGATION_RESOLVED).reason == "材料属实。"
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="同意。")


def test_bad_handovers_are_refused_and_change_nothing(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    outsider = make_user(username="auditor_a")
    Membership.objects.create(user=outsider, org_unit=OrgUnit.objects.get(code=AREA_A), role="auditor")
    before = AuditEvent.objects.count()
    for to, reason, field, code in (
        ("office_a", "x", "to", "self"),
        ("nobody", "x", "to", "not_found"),
        ("office_b", "x", "to", "not_colleague"),
        ("auditor_a", "x", "to", "not_colleague"),
        ("office_a2", "  ", "reason", "required"),
    ):
        with pytest.raises(InvalidInput) as caught:
            handover.transfer(review.pk, actor=cast.office_a, to=to, reason=reason)
        assert (caught.value.fields[0].field, caught.value.fields[0].code) == (field, code)
    with pytest.raises(Conflict):
        handover.hand_back(review.pk, actor=cast.office_a, opinion="x")  # not delegated
    review.refresh_from_db()
    assert review.assignee_id == cast.office_a.pk and AuditEvent.objects.count() == before


def test_the_page_delegates_and_the_colleague_hands_back(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    owner = client_for(cast.office_a, "zh-hans")
    page = owner.get(reverse("task-detail-page", args=[review.pk])).content.decode()
    assert 'data-testid="handover-box"' in page and 'value="office_a2"' in page
    assert (
        owner.post(
            reverse("task-handover-page", args=[review.pk]),
            {"to": "office_a2", "reason": "请核实", "op": "delegate"},
        ).status_code
        == 302
    )
    colleague = client_for(cast.office_a2, "zh-hans")
    page = colleague.get(reverse("task-detail-page", args=[review.pk])).content.decode()
    assert 'data-testid="hand-back-box"' in page and 'data-testid="complete"' not in page
    assert (
        colleague.post(reverse("task-hand-back-page", args=[review.pk]), {"opinion": "属实"}).status_code
        == 302
    )
    review.refresh_from_db()
    assert review.assignee_id == cast.office_a.pk and review.owner_id is None


def test_the_api_transfers_and_refuses_a_stranger(cast: Cast, api: Any) -> None:
    deploy_approval()
    review = office_review(cast)
    refused = api(cast.office_a).post(
        reverse("task-transfer", args=[review.pk]), {"to": "office_b", "reason": "x"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["fields"][0]["field"] == "to"
    done = api(cast.office_a).post(
        reverse("task-transfer", args=[review.pk]), {"to": "office_a2", "reason": "休假"}, format="json"
    )
    assert done.status_code == 200 and done.json()["assignee"] == "office_a2"
