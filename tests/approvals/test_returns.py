"""退回 and 撤回 through the services: where the instance goes back to, who gets the task, what is
refused (never an earlier step, across a join, out of a countersign), and that nothing changes then."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from core.errors import Conflict, InvalidInput, PermissionDenied
from tests.approvals.support import deploy_approval, open_task
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances, recall, returns
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, InstanceStatus, ProcessInstance

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent / "bpmn"
SUBMIT = {"title": "校准", "amount": 3}


def start(cast: Cast, model: str = "approval") -> ProcessInstance:
    return instances.start_instance(
        model, actor=cast.operator_a, business_key="SQ-5", subject="校准", org_unit_code=OPERATOR_A
    )


def at_district(cast: Cast) -> ProcessInstance:
    """Submitted by operator_a, approved by office_a; the district review is open."""
    instance = start(cast)
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data=SUBMIT)
    review = open_task(instance)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="同意。")
    return instance


def state(instance: ProcessInstance) -> tuple[object, ...]:
    instance.refresh_from_db()
    rows = list(instance.human_tasks.order_by("id").values_list("id", "status", "assignee_id", "superseded"))
    return instance.state, instance.row_version, rows, AuditEvent.objects.count()


def test_a_return_goes_back_to_the_person_who_did_the_step(cast: Cast) -> None:
    deploy_approval()
    instance = at_district(cast)
    district = open_task(instance)
    choices = returns.targets(district)
    assert [(t.task.task_spec, t.completed_by) for t in choices] == [
        ("office_review", cast.office_a.get_username()),
        ("submit", cast.operator_a.get_username()),
    ]
    submit_row = choices[1].task
    reopened = returns.return_task(
        district.pk, actor=cast.reviewer, target_id=submit_row.pk, opinion="金额有误。"
    )
    district.refresh_from_db()
    assert district.status == HumanTask.Status.RETURNED and district.opinion == "金额有误。"
    assert district.completed_by_id == cast.reviewer.pk
    assert reopened.task_spec == "submit" and reopened.assignee_id == cast.operator_a.pk
    # The path in between stays as history; the earlier pass of "submit" is numbered.
    submit_row.refresh_from_db()
    assert submit_row.superseded == 1 and submit_row.status == HumanTask.Status.COMPLETED
    assert [t.task_spec for t in instance.human_tasks.filter(status="open")] == ["submit"]
    event = AuditEvent.objects.get(action=Action.TASK_RETURNED)
    assert event.reason == "金额有误。" and (event.after or {})["to_task"] == reopened.pk
    # Resubmitted, the path runs again: the office reviews anew.
    human_tasks.complete(reopened.pk, actor=cast.operator_a, data={**SUBMIT, "amount": 4})
    assert open_task(instance).task_spec == "office_review"


def test_a_hundred_returns_keep_the_rows_and_the_state_in_step(cast: Cast) -> None:
    deploy_approval()
    instance = start(cast)
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data=SUBMIT)
    for n in range(20):
        review = open_task(instance)
        target = instance.human_tasks.get(task_spec="submit", superseded=0)
        returns.return_task(review.pk, actor=cast.office_a, target_id=target.pk, opinion=f"第{n}次退回")
        human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data=SUBMIT)
    assert instance.human_tasks.filter(task_spec="submit").count() == 21
    assert sorted(
        instance.human_tasks.filter(task_spec="submit").values_list("superseded", flat=True)
    ) == list(range(21))
    assert open_task(instance).task_spec == "office_review"


def test_bad_returns_are_refused_and_change_nothing(cast: Cast) -> None:
    deploy_approval()
    instance = at_district(cast)
    other = at_district(cast)
    district = open_task(instance)
    before = state(instance)
    foreign = other.human_tasks.get(task_spec="submit")
    for target, code in ((None, "not_earlier"), (foreign.pk, "not_earlier"), (district.pk, "not_earlier")):
        with pytest.raises(InvalidInput) as caught:
            returns.return_task(district.pk, actor=cast.reviewer, target_id=target, opinion="退回")
        assert caught.value.fields[0].field == "target" and caught.value.fields[0].code == code
    submit_row = instance.human_tasks.get(task_spec="submit")
    with pytest.raises(InvalidInput) as blank:
        returns.return_task(district.pk, actor=cast.reviewer, target_id=submit_row.pk, opinion="  ")
    assert blank.value.fields[0].code == "required"
    with pytest.raises(PermissionDenied):
        returns.return_task(district.pk, actor=cast.office_a, target_id=submit_row.pk, opinion="退回")
    assert state(instance) == before


def test_a_return_across_a_join_goes_before_the_split_or_is_refused(cast: Cast) -> None:
    deploy(bundle_for(HERE / "parallel_then_sign.bpmn"), actor=None, model_key="parallel_then_sign")
    instance = start(cast, "parallel_then_sign")
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={})
    for row in instance.human_tasks.filter(status="open").order_by("id"):
        human_tasks.complete(row.pk, actor=cast.operator_a, data={})
    sign = open_task(instance)
    review_a = instance.human_tasks.get(task_spec="review_a")
    assert {t.task.task_spec for t in returns.targets(sign)} == {"submit"}
    before = state(instance)
    with pytest.raises(Conflict) as caught:
        returns.return_task(sign.pk, actor=cast.operator_a, target_id=review_a.pk, opinion="重审甲")
    assert caught.value.code == "parallel_join" and "并行分支已汇合" in caught.value.message_zh
    assert state(instance) == before
    submit_row = instance.human_tasks.get(task_spec="submit")
    returns.return_task(sign.pk, actor=cast.operator_a, target_id=submit_row.pk, opinion="全部重来")
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={})
    assert sorted(instance.human_tasks.filter(status="open").values_list("task_spec", flat=True)) == [
        "review_a",
        "review_b",
    ]


def test_a_return_from_one_branch_cancels_the_other(cast: Cast) -> None:
    deploy(bundle_for(HERE / "parallel_then_sign.bpmn"), actor=None, model_key="parallel_then_sign")
    instance = start(cast, "parallel_then_sign")
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={})
    review_a = instance.human_tasks.get(task_spec="review_a")
    submit_row = instance.human_tasks.get(task_spec="submit")
    returns.return_task(review_a.pk, actor=cast.operator_a, target_id=submit_row.pk, opinion="补材料")
    statuses = dict(instance.human_tasks.filter(superseded=0).values_list("task_spec", "status"))
    assert statuses == {"submit": "open", "review_a": "returned", "review_b": "cancelled"}


def test_a_countersign_part_offers_no_return(cast: Cast, deploy_fixture: object) -> None:
    deploy_fixture("countersign")  # type: ignore[operator]
    instance = instances.start_instance(
        "countersign",
        actor=cast.operator_a,
        org_unit_code=OPERATOR_A,
        data={"signers": ["office_a", "office_a2"]},
    )
    first, second = instance.human_tasks.filter(status="open").order_by("id")
    human_tasks.complete(first.pk, actor=cast.office_a, data={"approved": True})
    assert returns.targets(second) == []
    with pytest.raises(Conflict) as caught:
        returns.return_task(second.pk, actor=cast.office_a2, target_id=first.pk, opinion="退回")
    assert caught.value.code == "countersign"


def test_the_one_who_completed_recalls_until_the_next_step_is_claimed(cast: Cast) -> None:
    deploy_approval()
    instance = start(cast)
    submit_row = open_task(instance)
    human_tasks.complete(submit_row.pk, actor=cast.operator_a, data=SUBMIT)
    review = open_task(instance)
    submit_row.refresh_from_db()
    with pytest.raises(PermissionDenied) as not_yours:
        recall.recall(submit_row.pk, actor=cast.office_a)
    assert not_yours.value.code == "not_yours"
    reopened = recall.recall(submit_row.pk, actor=cast.operator_a)
    assert reopened.assignee_id == cast.operator_a.pk and reopened.task_spec == "submit"
    review.refresh_from_db()
    assert review.status == HumanTask.Status.CANCELLED
    assert AuditEvent.objects.filter(action=Action.TASK_RECALLED).count() == 1
    # Submitted again and claimed by the office: too late to recall.
    human_tasks.complete(reopened.pk, actor=cast.operator_a, data=SUBMIT)
    human_tasks.claim(open_task(instance).pk, actor=cast.office_a)
    before = state(instance)
    reopened.refresh_from_db()
    with pytest.raises(Conflict) as claimed:
        recall.recall(reopened.pk, actor=cast.operator_a)
    assert claimed.value.code == "next_claimed" and "已被认领" in claimed.value.message_zh
    assert state(instance) == before


def test_no_recall_once_a_later_step_is_done(cast: Cast) -> None:
    deploy_approval()
    instance = at_district(cast)
    submit_row = instance.human_tasks.get(task_spec="submit")
    with pytest.raises(Conflict) as caught:
        recall.recall(submit_row.pk, actor=cast.operator_a)
    assert caught.value.code == "next_done"
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.RUNNING


# --- 直接提交至退回节点 -----------------------------------------------------------------------


def _returned_from_district(cast: Cast, key: str) -> tuple[HumanTask, HumanTask]:
    """SQ submitted, approved by the office, returned by the district reviewer to the submitter."""
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key=key, org_unit_code=OPERATOR_A
    )
    first = open_task(instance)
    human_tasks.complete(first.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    review = open_task(instance)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="同意")
    district = open_task(instance)
    human_tasks.claim(district.pk, actor=cast.reviewer)
    reopened = returns.return_task(district.pk, actor=cast.reviewer, target_id=first.pk, opinion="金额有误")
    return reopened, district


def test_resubmission_jumps_straight_back_to_the_returner(cast: Cast) -> None:
    deploy_approval(submit={"resubmit": "returner"})
    reopened, _district = _returned_from_district(cast, "JB-1")
    human_tasks.complete(reopened.pk, actor=cast.operator_a, data={"title": "校准", "amount": 4})
    instance = reopened.instance
    back = open_task(instance)
    assert back.task_spec == "district_review" and back.assignee_id == cast.reviewer.pk
    # The office review in between was not asked again: no new row of it, no notification.
    reviews = instance.human_tasks.filter(task_spec="office_review")
    assert reviews.count() == 1 and reviews.get().completed_by_id == cast.office_a.pk
    human_tasks.complete(back.pk, actor=cast.reviewer, data={"approved": True})
    assert open_task(instance).task_spec == "archive"


def test_without_the_setting_the_path_runs_again(cast: Cast) -> None:
    deploy_approval()
    reopened, _district = _returned_from_district(cast, "JB-2")
    human_tasks.complete(reopened.pk, actor=cast.operator_a, data={"title": "校准", "amount": 4})
    again = open_task(reopened.instance)
    assert again.task_spec == "office_review" and again.assignee_id is None
