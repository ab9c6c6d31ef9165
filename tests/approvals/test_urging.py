"""催办: someone who sees a task but does not hold it urges its holders, at most once an hour;
it is audited and the holders are notified; a finished task cannot be urged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from core.errors import Conflict, InvalidInput, PermissionDenied
from notifications.delivery import deliver
from notifications.models import Notification
from tests.approvals.support import deploy_approval, open_task
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances, urging
from workflows.models import HumanTask

pytestmark = pytest.mark.django_db


def office_review(cast: Cast) -> HumanTask:
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-9", subject="校准", org_unit_code=OPERATOR_A
    )
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    return open_task(instance)


def test_the_starter_urges_the_group_and_each_member_is_told(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    deliver()  # the new-task notices first, so that only the urge is new below
    urging.urge(review.pk, actor=cast.operator_a, note="企业急需，请尽快审核")
    event = AuditEvent.objects.get(action=Action.TASK_URGED)
    assert event.reason == "企业急需，请尽快审核" and event.actor_id == cast.operator_a.pk
    deliver()
    told = set(
        Notification.objects.filter(kind=Notification.Kind.TASK_URGED).values_list("recipient_id", flat=True)
    )
    assert told == {cast.office_a.pk, cast.office_a2.pk}


def test_a_claimed_task_tells_only_its_assignee(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    human_tasks.claim(review.pk, actor=cast.office_a2)
    deliver()
    urging.urge(review.pk, actor=cast.operator_a)
    deliver()
    told = Notification.objects.filter(kind=Notification.Kind.TASK_URGED).values_list(
        "recipient_id", flat=True
    )
    assert list(told) == [cast.office_a2.pk]


def test_once_an_hour_per_task(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    urging.urge(review.pk, actor=cast.operator_a)
    with pytest.raises(Conflict) as caught:
        urging.urge(review.pk, actor=cast.admin)
    assert caught.value.code == "urged_recently" and "一小时内已催办" in caught.value.message_zh
    assert AuditEvent.objects.filter(action=Action.TASK_URGED).count() == 1
    HumanTask.objects.filter(pk=review.pk).update(urged_at=timezone.now() - timedelta(minutes=61))
    urging.urge(review.pk, actor=cast.admin)
    assert AuditEvent.objects.filter(action=Action.TASK_URGED).count() == 2


def test_a_finished_task_cannot_be_urged(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": False}, opinion="不同意")
    with pytest.raises(Conflict) as caught:
        urging.urge(review.pk, actor=cast.operator_a)
    assert caught.value.code == "closed" and "已办结" in caught.value.message_zh
    assert not AuditEvent.objects.filter(action=Action.TASK_URGED).exists()


def test_one_does_not_urge_what_one_works_nor_does_an_auditor(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    for user in (cast.office_a, cast.auditor, cast.enterprise_a, cast.stranger, cast.superuser):
        with pytest.raises(PermissionDenied):
            urging.urge(review.pk, actor=user)
    assert not AuditEvent.objects.filter(action=Action.TASK_URGED).exists()


def test_a_task_that_does_not_offer_urging_refuses_it(cast: Cast) -> None:
    deploy_approval({"operations": "opinion"})
    review = office_review(cast)
    with pytest.raises(InvalidInput) as caught:
        urging.urge(review.pk, actor=cast.operator_a)
    assert caught.value.code == "not_offered"


def test_the_api_urges_and_answers_409_within_the_hour(cast: Cast, api: Any) -> None:
    deploy_approval()
    review = office_review(cast)
    client = api(cast.operator_a)
    first = client.post(reverse("task-urge", args=[review.pk]), {"note": "请尽快"}, format="json")
    assert first.status_code == 200, first.content
    again = client.post(reverse("task-urge", args=[review.pk]), {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "urged_recently"
    too_long = api(cast.admin).post(
        reverse("task-urge", args=[review.pk]), {"note": "急" * 501}, format="json"
    )
    assert too_long.status_code == 400 and too_long.json()["fields"][0]["field"] == "note"
