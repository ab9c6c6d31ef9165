"""Business errors from service-task handlers (workflows/bpmn_errors.py): a handler's BpmnError is
thrown as a BPMN error, caught by the error boundary the diagram draws for its code (or a
catch-all, or one on an enclosing subprocess), whose path then runs; uncaught, or any other
exception, the instance fails as before. The handler's writes are undone either way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState

from audit.models import AuditEvent
from casemgmt.models import OrgUnit
from tests.handlers import HandlerBoom
from tests.personas import OPERATOR_A, Cast
from workflows import bpmn_errors, human_tasks, instances, registry, runtime
from workflows.bpmn_errors import BpmnError
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

pytestmark = pytest.mark.django_db

HANDLER = "test_bpmn_error"


def reserve(call: registry.ServiceCall) -> dict[str, Any]:
    """Writes a row, then raises what the instance's `raise_code` says: nothing, "boom" (an
    ordinary exception), or that code as a BpmnError."""
    OrgUnit.objects.create(code=f"reserved-{call.instance.pk}", name="预约记录", kind=OrgUnit.Kind.DIVISION)
    code = call.params["raise_code"]
    if code == "boom":
        raise HandlerBoom("the booking system is down")
    if code:
        raise BpmnError(code, data={"waiting": 3, "since": date(2026, 1, 2)}, message="名额已满")
    return {"slot": 7}


@pytest.fixture(autouse=True)
def reserve_handler() -> Iterator[None]:
    registry.register_service_handler(HANDLER, reserve)
    yield
    registry.unregister_service_handler(HANDLER)


@pytest.fixture
def start(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> Callable[[str, str], ProcessInstance]:
    def _start(diagram: str, raise_code: str) -> ProcessInstance:
        deploy_fixture(diagram)
        return instances.start_instance(
            diagram, actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"raise_code": raise_code}
        )

    return _start


def open_tasks(instance: ProcessInstance) -> list[HumanTask]:
    return list(instance.human_tasks.filter(status=HumanTask.Status.OPEN).order_by("id"))


def task_data(instance: ProcessInstance, row: HumanTask) -> dict[str, Any]:
    instance.refresh_from_db()
    task = runtime.find_task(runtime.load_workflow(instance), row.spiff_task_id)
    assert task is not None
    return dict(task.data)


def task_states(instance: ProcessInstance, spec_name: str) -> list[str]:
    workflow = runtime.load_workflow(instance)
    return [TaskState.get_name(task.state) for task in workflow.get_tasks(spec_name=spec_name)]


def caught_events(instance: ProcessInstance) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(instance_id=instance.pk, action="instance.bpmn_error_caught")
    return [dict(event.after or {}) for event in events.order_by("id")]


ERROR = {"code": "no_capacity", "message": "名额已满", "data": {"waiting": 3, "since": "2026-01-02"}}


class TestCaughtOnTheTask:
    def test_without_an_error_the_normal_path_runs_and_the_handler_writes_stay(
        self, start: Callable[[str, str], ProcessInstance]
    ) -> None:
        instance = start("bpmn_error", "")
        (confirm,) = open_tasks(instance)
        assert confirm.task_spec == "confirm"
        assert task_data(instance, confirm)["reserved"] == {"slot": 7}
        assert OrgUnit.objects.filter(code=f"reserved-{instance.pk}").exists()
        assert caught_events(instance) == []

    def test_the_boundary_for_the_code_catches_it_and_its_path_runs(
        self, start: Callable[[str, str], ProcessInstance], cast: Cast
    ) -> None:
        instance = start("bpmn_error", "no_capacity")
        assert instance.status == InstanceStatus.RUNNING and instance.last_error == ""
        (waitlist,) = open_tasks(instance)
        assert waitlist.task_spec == "waitlist"
        # The boundary's path is drawn in the office lane: the instance's office works it.
        assert waitlist.candidate_group == "office_staff@office-fangsong"
        assert not instance.human_tasks.filter(task_spec="confirm").exists()
        assert task_states(instance, "reserve") == ["CANCELLED"]
        assert not OrgUnit.objects.filter(code=f"reserved-{instance.pk}").exists(), "handler writes undone"

        data = task_data(instance, waitlist)
        # The diagram's bpmn:error names the variable; the handler's data is plain JSON.
        assert data["capacity_problem"] == ERROR
        assert "reserved" not in data and bpmn_errors.DEFAULT_VARIABLE not in data

        human_tasks.complete(waitlist.pk, actor=cast.office_a, data={})
        instance.refresh_from_db()
        assert instance.status == InstanceStatus.COMPLETED

    def test_a_caught_error_is_audited_with_its_code_and_task(
        self, start: Callable[[str, str], ProcessInstance]
    ) -> None:
        instance = start("bpmn_error", "no_capacity")
        assert caught_events(instance) == [{**ERROR, "task_spec": "reserve", "caught_by": "on_no_capacity"}]
        actions = AuditEvent.objects.filter(instance_id=instance.pk).values_list("action", flat=True)
        assert "instance.error" not in actions
        assert "task.created" in actions

    def test_a_code_no_boundary_catches_fails_the_instance_naming_it(
        self, start: Callable[[str, str], ProcessInstance]
    ) -> None:
        instance = start("bpmn_error", "no_stock")
        assert instance.status == InstanceStatus.ERROR
        assert "'no_stock'" in instance.last_error and "no error boundary" in instance.last_error
        assert "名额已满" in instance.last_error
        assert instance.error_task_spec == "reserve"
        assert open_tasks(instance) == []
        assert not OrgUnit.objects.filter(code=f"reserved-{instance.pk}").exists()
        assert caught_events(instance) == []
        assert AuditEvent.objects.filter(instance_id=instance.pk, action="instance.error").count() == 1

    def test_retry_after_an_uncaught_code_runs_the_handler_again(
        self, start: Callable[[str, str], ProcessInstance], cast: Cast
    ) -> None:
        instance = start("bpmn_error", "no_stock")

        def out_of_capacity(call: registry.ServiceCall) -> Any:
            raise BpmnError("no_capacity")

        registry.register_service_handler(HANDLER, out_of_capacity)
        instances.retry(instance.pk, actor=cast.admin, reason="换成已处理的错误")
        instance.refresh_from_db()
        assert instance.status == InstanceStatus.RUNNING
        (waitlist,) = open_tasks(instance)
        assert waitlist.task_spec == "waitlist"
        assert task_data(instance, waitlist)["capacity_problem"] == {
            "code": "no_capacity",
            "message": "",
            "data": {},
        }


class TestCatchAll:
    def test_an_exact_code_beats_the_catch_all(self, start: Callable[[str, str], ProcessInstance]) -> None:
        instance = start("bpmn_error_catch_all", "no_capacity")
        assert [row.task_spec for row in open_tasks(instance)] == ["waitlist"]
        assert caught_events(instance)[0]["caught_by"] == "on_no_capacity"

    def test_any_other_code_goes_to_the_catch_all_under_bpmn_error(
        self, start: Callable[[str, str], ProcessInstance]
    ) -> None:
        instance = start("bpmn_error_catch_all", "no_stock")
        (handle,) = open_tasks(instance)
        assert handle.task_spec == "handle_error"
        assert handle.candidate_group == "district_reviewer@district"
        data = task_data(instance, handle)
        assert data[bpmn_errors.DEFAULT_VARIABLE] == {**ERROR, "code": "no_stock"}
        assert data["raise_code"] == "no_stock", "the boundary's path keeps the data the task started with"
        assert task_states(instance, "reserve") == ["CANCELLED"]
        assert not OrgUnit.objects.filter(code=f"reserved-{instance.pk}").exists()

    def test_an_ordinary_exception_is_not_a_bpmn_error(
        self, start: Callable[[str, str], ProcessInstance]
    ) -> None:
        instance = start("bpmn_error_catch_all", "boom")
        assert instance.status == InstanceStatus.ERROR
        assert instance.last_error == "HandlerBoom: the booking system is down"
        assert instance.error_task_spec == "reserve"
        assert open_tasks(instance) == []
        assert caught_events(instance) == []
        assert not OrgUnit.objects.filter(code=f"reserved-{instance.pk}").exists()


class TestScope:
    def test_a_boundary_on_the_enclosing_subprocess_catches_it(
        self, start: Callable[[str, str], ProcessInstance], cast: Cast
    ) -> None:
        instance = start("bpmn_error_subprocess", "no_capacity")
        assert instance.status == InstanceStatus.RUNNING
        (waitlist,) = open_tasks(instance)
        assert waitlist.task_spec == "waitlist"
        assert waitlist.candidate_group == "office_staff@office-fangsong"
        # Nothing else inside the interrupted subprocess ran: neither the human task after the
        # service task nor the service task on the parallel branch (whose handler writes a row).
        assert not instance.human_tasks.filter(task_spec="check").exists()
        assert task_states(instance, "record") == ["CANCELLED"]
        assert not OrgUnit.objects.filter(code=f"side-effect-{instance.pk}").exists()
        assert task_states(instance, "booking") == ["CANCELLED"]
        assert caught_events(instance) == [{**ERROR, "task_spec": "reserve", "caught_by": "on_no_capacity"}]
        # The diagram's error names no variable: the default one.
        assert task_data(instance, waitlist)[bpmn_errors.DEFAULT_VARIABLE] == ERROR
        human_tasks.complete(waitlist.pk, actor=cast.office_a, data={})
        instance.refresh_from_db()
        assert instance.status == InstanceStatus.COMPLETED

    def test_a_boundary_on_another_branch_does_not_catch_it(
        self, start: Callable[[str, str], ProcessInstance]
    ) -> None:
        instance = start("bpmn_error_scope", "no_capacity")
        assert instance.status == InstanceStatus.ERROR
        assert "'no_capacity'" in instance.last_error
        assert task_states(instance, "on_review_error") == ["WAITING"]
        assert caught_events(instance) == []


def test_a_boundary_path_back_to_the_failing_task_ends_the_turn(
    start: Callable[[str, str], ProcessInstance],
) -> None:
    instance = start("bpmn_error_loop", "no_capacity")
    assert instance.status == InstanceStatus.ERROR
    assert f"more than {bpmn_errors.MAX_CAUGHT_PER_TURN} BPMN errors" in instance.last_error
    assert instance.error_task_spec == "reserve"
    assert len(caught_events(instance)) == bpmn_errors.MAX_CAUGHT_PER_TURN + 1


def test_a_bpmn_error_needs_a_code() -> None:
    with pytest.raises(ValueError, match="code"):
        BpmnError("  ")
    error = BpmnError("no_capacity", {"waiting": 1}, "名额已满")
    assert (error.code, error.data, error.message, str(error)) == (
        "no_capacity",
        {"waiting": 1},
        "名额已满",
        "no_capacity: 名额已满",
    )
