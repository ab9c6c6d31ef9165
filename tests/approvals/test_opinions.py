"""审批意见: every completion may carry an opinion; the model makes it required or offers none;
it is kept on the task, in the audit record and in the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from core.errors import InvalidInput
from tests.approvals.support import approval_files, deploy_approval, open_task
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances, task_settings
from workflows.deploy import deploy
from workflows.models import HumanTask, ProcessInstance
from workflows.problems import DiagramInvalid

pytestmark = pytest.mark.django_db


def start(cast: Cast) -> ProcessInstance:
    return instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-1", subject="校准", org_unit_code=OPERATOR_A
    )


def at_office_review(cast: Cast) -> HumanTask:
    instance = start(cast)
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    return open_task(instance)


def test_an_opinion_is_kept_on_the_task_and_in_the_audit_record(cast: Cast) -> None:
    deploy_approval()
    review = at_office_review(cast)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="  同意办理。 ")
    review.refresh_from_db()
    assert review.opinion == "同意办理。"
    event = AuditEvent.objects.get(action=Action.TASK_COMPLETED, target_id=str(review.pk))
    assert (event.after or {})["opinion"] == "同意办理。"


def test_a_required_opinion_refuses_a_blank_one_and_changes_nothing(cast: Cast) -> None:
    deploy_approval({"opinionRequired": "true"})
    review = at_office_review(cast)
    review.instance.refresh_from_db()
    before = (review.instance.row_version, AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as caught:
        human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="   ")
    assert [(f.field, f.code) for f in caught.value.fields] == [("opinion", "required")]
    assert caught.value.fields[0].message_zh == "请填写审批意见"
    review.refresh_from_db()
    review.instance.refresh_from_db()
    assert review.status == HumanTask.Status.OPEN
    assert (review.instance.row_version, AuditEvent.objects.count()) == before


def test_a_task_that_offers_no_opinion_refuses_one(cast: Cast) -> None:
    deploy_approval({"operations": "urge"})
    review = at_office_review(cast)
    with pytest.raises(InvalidInput) as caught:
        human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="同意")
    assert caught.value.fields[0].code == "not_offered"
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True})
    review.refresh_from_db()
    assert review.status == HumanTask.Status.COMPLETED and review.opinion == ""


def test_an_overlong_opinion_is_refused(cast: Cast) -> None:
    deploy_approval()
    review = at_office_review(cast)
    with pytest.raises(InvalidInput) as caught:
        human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="意" * 2001)
    assert caught.value.fields[0].code == "max_length"


def test_the_api_takes_the_opinion_and_describes_the_task_settings(cast: Cast, api: Any) -> None:
    deploy_approval({"opinionRequired": "true", "operations": "opinion,urge,copy"})
    review = at_office_review(cast)
    client = api(cast.office_a)
    detail = client.get(reverse("task-detail", args=[review.pk])).json()
    assert detail["opinion_required"] is True
    assert detail["operations"] == ["copy", "opinion", "urge"]
    refused = client.post(
        reverse("task-complete", args=[review.pk]), {"data": {"approved": True}}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["fields"][0]["field"] == "opinion"
    wrong_type = client.post(
        reverse("task-complete", args=[review.pk]),
        {"data": {"approved": True}, "opinion": ["同意"]},
        format="json",
    )
    assert wrong_type.status_code == 400 and wrong_type.json()["fields"][0]["field"] == "opinion"
    done = client.post(
        reverse("task-complete", args=[review.pk]),
        {"data": {"approved": True}, "opinion": "情况属实，同意。"},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert client.get(reverse("task-detail", args=[review.pk])).json()["opinion"] == "情况属实，同意。"


def test_unknown_operations_are_a_deploy_problem() -> None:
    with pytest.raises(DiagramInvalid) as caught:
        deploy(approval_files({"operations": "opinion,teleport"}), actor=None, model_key="approval")
    problems = caught.value.problems
    assert [(p.code, p.element_id) for p in problems] == [("unknown_operation", "office_review")]
    assert "teleport" in problems[0].message_zh


@pytest.mark.parametrize(
    ("value", "offered"),
    [
        (None, {"opinion", "return", "recall", "add_signers", "delegate", "transfer", "urge"}),
        ("", set()),
        ("none", set()),
        (" urge , copy ", {"urge", "copy"}),
    ],
)
def test_what_the_operations_property_offers(value: str | None, offered: set[str]) -> None:
    assert task_settings.parse_operations(value) == (frozenset(offered), [])
