"""退回 and 撤回 on the task page: offered to whom they are for, and what the next person sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.approvals.support import deploy_approval, open_task
from tests.personas import OPERATOR_A, Cast
from tests.web.inbox_support import client_for
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db


def submitted(cast: Cast) -> ProcessInstance:
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-3", subject="校准", org_unit_code=OPERATOR_A
    )
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    return instance


def test_the_reviewer_returns_and_the_submitter_sees_why(cast: Cast) -> None:
    deploy_approval()
    instance = submitted(cast)
    review = open_task(instance)
    submit_row = instance.human_tasks.get(task_spec="submit")
    office = client_for(cast.office_a, "zh-hans")
    page = office.get(reverse("task-detail-page", args=[review.pk])).content.decode()
    assert 'data-testid="return-box"' in page and f'<option value="{submit_row.pk}">' in page
    # A return without a reason is refused on the page; nothing moves.
    refused = office.post(
        reverse("task-return-page", args=[review.pk]), {"target": submit_row.pk}, follow=True
    )
    assert "请填写审批意见" in refused.content.decode()
    assert open_task(instance).pk == review.pk
    done = office.post(
        reverse("task-return-page", args=[review.pk]),
        {"target": submit_row.pk, "opinion": "金额有误，请更正。"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("inbox")
    reopened = open_task(instance)
    assert reopened.task_spec == "submit" and reopened.assignee_id == cast.operator_a.pk
    text = (
        client_for(cast.operator_a, "zh-hans")
        .get(reverse("task-detail-page", args=[reopened.pk]))
        .content.decode()
    )
    assert 'data-testid="returned-note"' in text and "金额有误，请更正。" in text
    # The returned task reads as returned, with the reason in the approval record.
    review.refresh_from_db()
    assert review.status == HumanTask.Status.RETURNED
    record = client_for(cast.office_a, "zh-hans").get(reverse("instance-record", args=[instance.pk]))
    assert "已退回" in record.content.decode() and "金额有误，请更正。" in record.content.decode()


def test_the_submitter_recalls_from_the_completed_task_page(cast: Cast) -> None:
    deploy_approval()
    instance = submitted(cast)
    submit_row = instance.human_tasks.get(task_spec="submit")
    operator = client_for(cast.operator_a, "zh-hans")
    page = operator.get(reverse("task-detail-page", args=[submit_row.pk])).content.decode()
    assert 'data-testid="recall"' in page
    other = client_for(cast.office_a).get(reverse("task-detail-page", args=[submit_row.pk])).content.decode()
    assert 'data-testid="recall"' not in other
    response = operator.post(reverse("task-recall-page", args=[submit_row.pk]))
    reopened = open_task(instance)
    assert response.status_code == 302 and response["Location"] == reverse(
        "task-detail-page", args=[reopened.pk]
    )
    assert reopened.task_spec == "submit" and reopened.assignee_id == cast.operator_a.pk
    # The form shows what was submitted, to be corrected rather than typed again.
    form = operator.get(reverse("task-detail-page", args=[reopened.pk])).context["fields"]
    assert {field.name: field.value for field in form}["title"] == "校准"
    # Once taken back, the old row offers no recall any more.
    page = operator.get(reverse("task-detail-page", args=[submit_row.pk])).content.decode()
    assert 'data-testid="recall"' not in page
