"""The task page's opinion box, urge button and approval record; the printable record page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from audit.actions import Action
from audit.models import AuditEvent
from tests.approvals.support import deploy_approval, open_task
from tests.personas import OPERATOR_A, Cast
from tests.web.inbox_support import client_for
from workflows import human_tasks, instances, phrases
from workflows.approval_record import format_duration, steps_of
from workflows.models import HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db


def submitted(cast: Cast) -> ProcessInstance:
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-7", subject="校准", org_unit_code=OPERATOR_A
    )
    human_tasks.complete(
        open_task(instance).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3}, opinion="请审核。"
    )
    return instance


def test_the_page_completes_with_an_opinion_and_offers_saved_phrases(cast: Cast) -> None:
    deploy_approval({"opinionRequired": "true"})
    review = open_task(submitted(cast))
    phrases.add(cast.office_a, "材料齐全，同意。")
    client = client_for(cast.office_a, "zh-hans")
    page = client.get(reverse("task-detail-page", args=[review.pk])).content.decode()
    assert 'data-testid="opinion"' in page and "required" in page
    assert 'data-phrase="材料齐全，同意。"' in page
    refused = client.post(reverse("task-detail-page", args=[review.pk]), {"f.approved": "true"})
    assert refused.status_code == 400 and "请填写审批意见" in refused.content.decode()
    done = client.post(
        reverse("task-detail-page", args=[review.pk]), {"f.approved": "true", "opinion": "材料齐全，同意。"}
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.status == HumanTask.Status.COMPLETED and review.opinion == "材料齐全，同意。"


def test_a_task_that_takes_no_opinion_shows_no_box(cast: Cast) -> None:
    deploy_approval({"operations": ""})
    review = open_task(submitted(cast))
    page = client_for(cast.office_a).get(reverse("task-detail-page", args=[review.pk])).content.decode()
    assert 'data-testid="opinion"' not in page and 'data-testid="urge"' not in page


def test_the_starter_urges_from_the_task_page(cast: Cast) -> None:
    deploy_approval()
    review = open_task(submitted(cast))
    starter = client_for(cast.operator_a, "zh-hans")
    page = starter.get(reverse("task-detail-page", args=[review.pk])).content.decode()
    assert 'data-testid="urge"' in page
    assert starter.post(reverse("task-urge-page", args=[review.pk])).status_code == 302
    assert AuditEvent.objects.filter(action=Action.TASK_URGED).count() == 1
    again = starter.post(reverse("task-urge-page", args=[review.pk]), follow=True).content.decode()
    assert "一小时内已催办过" in again
    holder = client_for(cast.office_a).get(reverse("task-detail-page", args=[review.pk])).content.decode()
    assert 'data-testid="urge"' not in holder
    assert client_for(cast.office_a).post(reverse("task-urge-page", args=[review.pk])).status_code == 403


def test_the_record_lists_steps_with_who_opinion_and_operations(cast: Cast) -> None:
    deploy_approval()
    instance = submitted(cast)
    review = open_task(instance)
    human_tasks.claim(review.pk, actor=cast.office_a)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="同意。")
    record = steps_of(instance)
    assert [s.task.title for s in record] == ["提交申请", "市场监管所审核", "区局审核"]
    assert [s.opinion for s in record] == ["请审核。", "同意。", ""]
    assert record[1].worker and record[1].closed_at and record[1].took
    assert [op.action for op in record[1].operations] == [Action.TASK_CLAIMED]
    assert record[2].closed_at is None and record[2].worker == ""


def test_the_printable_record_is_for_those_who_see_the_instance(cast: Cast) -> None:
    deploy_approval()
    instance = submitted(cast)
    url = reverse("instance-record", args=[instance.pk])
    page = client_for(cast.office_a, "zh-hans").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "审批记录" in text and "请审核。" in text and 'data-testid="print-record"' in text
    assert client_for(cast.office_b).get(url).status_code == 404
    assert client_for(cast.stranger).get(url).status_code == 404
    assert client_for(cast.auditor).get(url).status_code == 200


@pytest.mark.parametrize(
    ("minutes", "expected"), [(0, "0 min"), (59, "59 min"), (61, "1 h 1 min"), (60 * 24 * 2 + 180, "2 d 3 h")]
)
def test_durations_read_as_people_say_them(minutes: int, expected: str) -> None:
    with translation.override("en"):
        assert format_duration(timedelta(minutes=minutes)) == expected


def test_the_record_lists_added_signers_and_downloads_as_xlsx(cast: Cast) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from workflows import added_signers

    deploy_approval()
    instance = submitted(cast)
    review = open_task(instance)
    human_tasks.claim(review.pk, actor=cast.office_a)
    human_tasks.complete(
        review.pk, actor=cast.office_a, data={"approved": True}, opinion="同意", after_signers=["reviewer"]
    )
    part = HumanTask.objects.get(added_to=review)
    added_signers.sign(part.pk, actor=cast.reviewer, approved=False, opinion='=HYPERLINK("x")')
    steps = {step.task.pk: step for step in steps_of(instance)}
    assert [op.action for op in steps[review.pk].operations] == [
        Action.TASK_CLAIMED,
        Action.TASK_SIGNERS_ADDED,
        Action.TASK_SIGNERS_DONE,
    ]
    assert "reviewer" in steps[review.pk].operations[1].note
    with translation.override("zh-hans"):
        assert steps[part.pk].decision == "不同意"
    download = client_for(cast.office_a, "zh-hans").get(reverse("instance-record-xlsx", args=[instance.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(BytesIO(download.content)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][:2] == ["环节", "办理人"]
    assert any(row[5] == "请审核。" for row in rows)
    # The signer's opinion is text, never a formula.
    assert any(row[0] == "市场监管所审核 · 后加签" and row[5] == '不同意 =HYPERLINK("x")' for row in rows), (
        rows
    )
    assert not any(str(value).startswith("=") for row in rows for value in row)
    assert (
        client_for(cast.office_b).get(reverse("instance-record-xlsx", args=[instance.pk])).status_code == 404
    )
