"""Instances through the service layer: the right people move them; bad input changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from audit.models import AuditEvent
from casemgmt.models import OrgUnit
from core.errors import Conflict, InvalidInput, PermissionDenied
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

pytestmark = pytest.mark.django_db


def open_task(instance: ProcessInstance) -> HumanTask:
    return instance.human_tasks.get(status=HumanTask.Status.OPEN)


def snapshot(instance: ProcessInstance) -> tuple[Any, ...]:
    instance.refresh_from_db()
    rows = list(instance.human_tasks.order_by("id").values_list("id", "status", "assignee_id"))
    return instance.state, instance.row_version, instance.status, rows, AuditEvent.objects.count()


@pytest.fixture
def approval(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]) -> ProcessInstance:
    deploy_fixture("approval")
    return instances.start_instance(
        "approval",
        actor=cast.operator_a,
        business_key="SQ-2026-0001",
        subject="计量校准申请",
        org_unit_code=OPERATOR_A,
    )


def test_start_creates_first_task_for_the_lane_group(approval: ProcessInstance) -> None:
    task = open_task(approval)
    assert approval.status == InstanceStatus.RUNNING
    assert task.task_spec == "submit" and task.title == "提交申请"
    assert task.candidate_group == f"operator@{OPERATOR_A}"
    assert task.due_at is not None and task.form_file == "submit.json"
    assert task.instructions == "请填写申请事项。"
    assert json.loads(approval.state)["format"] == "nqi-state-1"
    assert "spec" not in json.loads(approval.state), "the spec is referenced by version, not stored"


def test_full_approval_walk(approval: ProcessInstance, cast: Cast) -> None:
    human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    review = open_task(approval)
    assert review.candidate_group == "office_staff@office-fangsong" and review.priority == 70
    human_tasks.claim(review.pk, actor=cast.office_a)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True, "comment": "同意"})
    district = open_task(approval)
    assert district.candidate_group == "district_reviewer@district"
    human_tasks.complete(district.pk, actor=cast.reviewer, data={"approved": True})
    human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={})
    approval.refresh_from_db()
    assert approval.status == InstanceStatus.COMPLETED and approval.ended_at is not None
    actions = list(
        AuditEvent.objects.filter(instance_id=approval.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions[0] == "instance.started" and actions[-1] == "instance.completed"
    assert actions.count("task.completed") == 4 and actions.count("task.claimed") == 1


def test_rejection_branch_ends_the_instance(approval: ProcessInstance, cast: Cast) -> None:
    human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    human_tasks.complete(
        open_task(approval).pk, actor=cast.office_a, data={"approved": False}, opinion="不同意"
    )
    approval.refresh_from_db()
    assert approval.status == InstanceStatus.COMPLETED
    assert not approval.human_tasks.filter(task_spec="district_review").exists()


def test_form_errors_name_fields_and_change_nothing(approval: ProcessInstance, cast: Cast) -> None:
    before = snapshot(approval)
    with pytest.raises(InvalidInput) as caught:
        human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={"title": "x", "extra": 1})
    fields = {f.field: f for f in caught.value.fields}
    assert set(fields) == {"title", "amount", "data"} or {"title", "amount"} <= set(fields)
    assert fields["amount"].message_zh == "必填项未填写"
    assert snapshot(approval) == before


@pytest.mark.parametrize("data", [[1, 2], "text", {"bad key": 1}, {"__class__": 1}])
def test_malformed_data_is_refused(approval: ProcessInstance, cast: Cast, data: Any) -> None:
    before = snapshot(approval)
    with pytest.raises(InvalidInput):
        human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data=data)
    assert snapshot(approval) == before


def test_task_without_form_takes_no_data(approval: ProcessInstance, cast: Cast) -> None:
    human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    human_tasks.complete(open_task(approval).pk, actor=cast.office_a, data={"approved": True})
    human_tasks.complete(open_task(approval).pk, actor=cast.reviewer, data={"approved": True})
    with pytest.raises(InvalidInput):
        human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={"sneaky": True})


@pytest.mark.parametrize("who", ["office_b", "operator_b", "auditor", "stranger", "reviewer", "enterprise_a"])
def test_completing_a_task_that_is_not_yours_is_refused(
    approval: ProcessInstance, cast: Cast, who: str
) -> None:
    before = snapshot(approval)
    with pytest.raises(PermissionDenied):
        human_tasks.complete(
            open_task(approval).pk, actor=getattr(cast, who), data={"title": "校准", "amount": 1}
        )
    assert snapshot(approval) == before


def test_completing_a_task_claimed_by_a_colleague_is_refused(approval: ProcessInstance, cast: Cast) -> None:
    human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    review = open_task(approval)
    human_tasks.claim(review.pk, actor=cast.office_a)
    before = snapshot(approval)
    with pytest.raises(PermissionDenied):
        human_tasks.complete(review.pk, actor=cast.office_a2, data={"approved": True})
    assert snapshot(approval) == before


def test_completing_twice_is_a_conflict(approval: ProcessInstance, cast: Cast) -> None:
    task = open_task(approval)
    human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    before = snapshot(approval)
    with pytest.raises(Conflict):
        human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    assert snapshot(approval) == before


def test_claim_unclaim_and_assign(approval: ProcessInstance, cast: Cast) -> None:
    human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    review = open_task(approval)
    human_tasks.claim(review.pk, actor=cast.office_a)
    with pytest.raises(Conflict):
        human_tasks.claim(review.pk, actor=cast.office_a2)
    with pytest.raises(Conflict):
        human_tasks.unclaim(review.pk, actor=cast.office_a2)
    human_tasks.unclaim(review.pk, actor=cast.office_a)
    assigned = human_tasks.assign(
        review.pk, actor=cast.office_a, assignee_username="office_a2", reason="休假"
    )
    assert assigned.assignee == cast.office_a2
    event = AuditEvent.objects.filter(action="task.assigned").get()
    assert event.reason == "休假" and event.actor == cast.office_a


def test_assign_only_to_a_candidate(approval: ProcessInstance, cast: Cast) -> None:
    human_tasks.complete(open_task(approval).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    review = open_task(approval)
    before = snapshot(approval)
    with pytest.raises(InvalidInput):
        human_tasks.assign(review.pk, actor=cast.office_a, assignee_username="office_b")
    with pytest.raises(InvalidInput):
        human_tasks.assign(review.pk, actor=cast.office_a, assignee_username="nobody")
    with pytest.raises(PermissionDenied):
        human_tasks.assign(review.pk, actor=cast.office_b, assignee_username="office_b")
    assert snapshot(approval) == before


def test_suspend_resume_terminate_need_reason_and_admin(approval: ProcessInstance, cast: Cast) -> None:
    # workflows.operate_instance: the case's own office and operator may, another area's office may not.
    with pytest.raises(PermissionDenied):
        instances.suspend(approval.pk, actor=cast.office_b, reason="x")
    with pytest.raises(InvalidInput):
        instances.suspend(approval.pk, actor=cast.admin, reason=" ")
    instances.suspend(approval.pk, actor=cast.admin, reason="材料待补正")
    with pytest.raises(Conflict):
        human_tasks.complete(
            open_task(approval).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3}
        )
    resumed = instances.resume(approval.pk, actor=cast.admin, reason="已补正")
    assert resumed.status == InstanceStatus.RUNNING
    terminated = instances.terminate(approval.pk, actor=cast.admin, reason="企业撤回")
    assert terminated.status == InstanceStatus.TERMINATED
    assert not approval.human_tasks.filter(status=HumanTask.Status.OPEN).exists()
    with pytest.raises(Conflict):
        instances.terminate(approval.pk, actor=cast.admin, reason="again")
    reasons = list(
        AuditEvent.objects.filter(instance_id=approval.pk, reason__gt="").values_list("reason", flat=True)
    )
    assert reasons == ["材料待补正", "已补正", "企业撤回"]


def test_start_outside_my_area_is_refused(cast: Cast, deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("approval")
    with pytest.raises(PermissionDenied):
        instances.start_instance("approval", actor=cast.operator_b, org_unit_code=OPERATOR_A)
    with pytest.raises(PermissionDenied):
        instances.start_instance("approval", actor=cast.auditor, org_unit_code=OPERATOR_A)
    assert not ProcessInstance.objects.exists()


class TestHandlerFailure:
    @pytest.fixture
    def case(self, cast: Cast, deploy_fixture: Callable[[str], Any]) -> ProcessInstance:
        deploy_fixture("service_step")
        return instances.start_instance("service_step", actor=cast.office_a, org_unit_code="office-fangsong")

    def test_handler_result_lands_in_data(self, case: ProcessInstance, cast: Cast) -> None:
        human_tasks.complete(open_task(case).pk, actor=cast.office_a, data={"label": "ok", "fail": False})
        case.refresh_from_db()
        assert case.status == InstanceStatus.RUNNING
        assert open_task(case).task_spec == "confirm"
        assert OrgUnit.objects.filter(code=f"side-effect-{case.pk}").exists()

    def test_failure_rolls_back_the_step_and_is_retryable(self, case: ProcessInstance, cast: Cast) -> None:
        human_tasks.complete(open_task(case).pk, actor=cast.office_a, data={"label": "bad", "fail": True})
        case.refresh_from_db()
        assert case.status == InstanceStatus.ERROR
        assert "handler refused bad" in case.last_error
        assert case.error_task_spec == "record"
        assert not OrgUnit.objects.filter(code=f"side-effect-{case.pk}").exists(), "handler writes roll back"
        assert not case.human_tasks.filter(status=HumanTask.Status.OPEN).exists()
        assert AuditEvent.objects.filter(instance_id=case.pk, action="instance.error").count() == 1

        with pytest.raises(PermissionDenied):
            instances.retry(case.pk, actor=cast.office_a)
        # Still failing: stays in error, nothing written.
        instances.retry(case.pk, actor=cast.admin, reason="再试")
        case.refresh_from_db()
        assert case.status == InstanceStatus.ERROR

    def test_retry_after_the_cause_is_fixed(
        self, case: ProcessInstance, cast: Cast, monkeypatch: Any
    ) -> None:
        human_tasks.complete(open_task(case).pk, actor=cast.office_a, data={"label": "bad", "fail": True})
        from tests.handlers import record_handler
        from workflows import registry

        monkeypatch.setitem(
            registry._registry.handlers,
            "test_record",
            lambda call: record_handler(
                registry.ServiceCall(
                    call.instance, call.task_spec_id, {**call.params, "fail": False}, call.data
                )
            ),
        )
        instances.retry(case.pk, actor=cast.admin, reason="已修复")
        case.refresh_from_db()
        assert case.status == InstanceStatus.RUNNING and case.last_error == ""
        assert open_task(case).task_spec == "confirm"
        assert OrgUnit.objects.filter(code=f"side-effect-{case.pk}").exists()


class TestDecision:
    @pytest.mark.parametrize(
        ("score", "task_spec"),
        [(59.9, "guide"), (60, None), (70, None), (70.1, "promote"), (85, "promote")],
    )
    def test_dmn_band_routes(
        self, cast: Cast, deploy_fixture: Callable[[str], Any], score: float, task_spec: str | None
    ) -> None:
        deploy_fixture("decision")
        case = instances.start_instance(
            "decision", actor=cast.office_a, org_unit_code="office-fangsong", data={"score": score}
        )
        open_rows = list(
            case.human_tasks.filter(status=HumanTask.Status.OPEN).values_list("task_spec", flat=True)
        )
        assert open_rows == ([task_spec] if task_spec else [])
        if task_spec is None:
            assert case.status == InstanceStatus.COMPLETED

    def test_missing_variable_is_an_instance_error(
        self, cast: Cast, deploy_fixture: Callable[[str], Any]
    ) -> None:
        deploy_fixture("decision")
        case = instances.start_instance("decision", actor=cast.office_a, org_unit_code="office-fangsong")
        assert case.status == InstanceStatus.ERROR
        assert "score" in case.last_error
