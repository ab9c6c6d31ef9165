"""抄送: copies declared by the model or chosen on completion; recipients read the case, find it
under 抄送我的 and are notified. The inbox's 我发起的 lists the cases one started."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from core.errors import InvalidInput
from notifications.delivery import deliver
from notifications.models import Notification
from tests.approvals.support import deploy_approval
from tests.personas import OPERATOR_A, Cast
from tests.web.inbox_support import client_for
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessInstance, TaskCopy

pytestmark = pytest.mark.django_db


def started(cast: Cast, key: str = "CP-1") -> ProcessInstance:
    return instances.start_instance(
        "approval", actor=cast.operator_a, business_key=key, subject="检测", org_unit_code=OPERATOR_A
    )


def submit(instance: ProcessInstance, cast: Cast, **extra: Any) -> HumanTask:
    task = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    return human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "检测", "amount": 1}, **extra)


def review(instance: ProcessInstance) -> HumanTask:
    return instance.human_tasks.get(status=HumanTask.Status.OPEN)


def test_a_chosen_copy_lets_another_office_read_the_case(cast: Cast) -> None:
    deploy_approval({"operations": "opinion,copy"})
    instance = started(cast)
    submit(instance, cast)
    task = review(instance)
    record = reverse("instance-record", args=[instance.pk])
    assert client_for(cast.office_b).get(record).status_code == 404  # not theirs before the copy
    human_tasks.claim(task.pk, actor=cast.office_a)
    human_tasks.complete(task.pk, actor=cast.office_a, data={"approved": True}, copy_to=["office_b"])
    copy = TaskCopy.objects.get()
    assert (copy.recipient_id, copy.task_id, copy.chosen) == (cast.office_b.pk, task.pk, True)
    assert (AuditEvent.objects.get(action=Action.TASK_COPIED).after or {})["recipients"] == ["office_b"]
    deliver()
    note = Notification.objects.get(recipient=cast.office_b, kind=Notification.Kind.TASK_COPIED)
    assert note.link == record
    reader = client_for(cast.office_b)
    listed = reader.get(reverse("inbox") + "?tab=copied")
    assert "CP-1" in listed.content.decode() and listed.context["tabs"][3]["count"] == 1
    assert reader.get(record).status_code == 200
    copy.refresh_from_db()
    assert copy.read_at is not None
    assert reader.get(reverse("inbox") + "?tab=copied").context["tabs"][3]["count"] == 0  # read
    # Read-only: the task page shows, nothing on it can be worked.
    page = reader.get(reverse("task-detail-page", args=[task.pk]))
    assert page.status_code == 200 and 'data-testid="complete"' not in page.content.decode()


def test_the_model_declares_copies_to_people_and_groups(cast: Cast) -> None:
    deploy_approval({"copyTo": "reviewer, office_staff@office-yueyang, nobody"})
    instance = started(cast)
    submit(instance, cast)
    task = review(instance)
    human_tasks.complete(task.pk, actor=cast.office_a, data={"approved": True})
    readers = set(TaskCopy.objects.values_list("recipient__username", flat=True))
    assert readers == {"reviewer", "office_b"}
    assert (AuditEvent.objects.get(action=Action.TASK_COPIED).after or {})["unknown"] == ["nobody"]


@pytest.mark.parametrize(
    ("copy_to", "code"),
    [(["office_a"], "self"), (["stranger"], "not_staff"), (["nobody"], "not_staff"), ([7], "invalid")],
)
def test_bad_copy_recipients_are_refused_and_nothing_changes(cast: Cast, copy_to: list, code: str) -> None:
    deploy_approval({"operations": "opinion,copy"})
    instance = started(cast)
    submit(instance, cast)
    task = review(instance)
    with pytest.raises(InvalidInput) as refused:
        human_tasks.complete(task.pk, actor=cast.office_a, data={"approved": True}, copy_to=copy_to)
    assert [(f.field, f.code) for f in refused.value.fields] == [("copy_to", code)]
    task.refresh_from_db()
    assert task.status == "open" and not TaskCopy.objects.exists()


def test_copies_are_refused_where_the_model_does_not_offer_them(cast: Cast) -> None:
    deploy_approval()  # the defaults leave copy out
    instance = started(cast)
    submit(instance, cast)
    with pytest.raises(InvalidInput) as refused:
        human_tasks.complete(
            review(instance).pk, actor=cast.office_a, data={"approved": True}, copy_to=["office_b"]
        )
    assert refused.value.fields[0].code == "not_offered"


def test_the_copies_api_lists_ones_own(cast: Cast) -> None:
    deploy_approval({"operations": "copy"})
    instance = started(cast)
    submit(instance, cast)
    human_tasks.complete(
        review(instance).pk, actor=cast.office_a, data={"approved": True}, copy_to=["office_b"]
    )
    assert TaskCopy.objects.count() == 1
    mine = client_for(cast.office_b).get(reverse("copy-list")).json()
    assert [c["business_key"] for c in mine["results"]] == ["CP-1"]
    assert client_for(cast.reviewer).get(reverse("copy-list")).json()["results"] == []


def test_started_by_me_lists_ones_cases_with_their_current_step(cast: Cast) -> None:
    deploy_approval()
    instance = started(cast)
    submit(instance, cast)
    page = client_for(cast.operator_a).get(reverse("inbox") + "?tab=started")
    rows = page.context["listed"]
    assert [(r.instance.pk, r.steps) for r in rows] == [(instance.pk, ["市场监管所审核"])]
    assert page.context["tabs"][2]["key"] == "started" and page.context["tabs"][2]["count"] == 1
    assert client_for(cast.office_a).get(reverse("inbox") + "?tab=started").context["listed"] == []


def test_the_tabs_come_in_the_familiar_order(cast: Cast) -> None:
    page = client_for(cast.office_a).get(reverse("inbox"))
    assert [t["key"] for t in page.context["tabs"]] == [
        "all",
        "completed",
        "started",
        "copied",
        "overdue",
        "mine",
        "claimable",
    ]


def test_the_instance_api_lists_the_ones_i_started(cast: Cast) -> None:
    deploy_approval()
    mine = started(cast, "CP-9")
    instances.start_instance("approval", actor=cast.office_a, business_key="CP-10", org_unit_code=OPERATOR_A)
    listed = client_for(cast.operator_a).get(reverse("instance-list"), {"mine": "1"}).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    bad = client_for(cast.operator_a).get(reverse("instance-list"), {"mine": "yes"})
    assert bad.status_code == 400 and "mine" in bad.content.decode()
