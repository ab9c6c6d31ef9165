"""Messages and signals between instances (issue #15, capability 3), through the service
functions: correlation through the MessageWait table, refusal, buffering, replays, scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.conftest import BPMN_DIR
from tests.personas import AREA_A, AREA_B, OPERATOR_A, OPERATOR_B, Cast
from workflows import human_tasks, instances, messages, runtime
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, InstanceStatus, MessageDelivery, MessageWait, ProcessInstance
from workflows.sending import SendRequest, request_from

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], Any]
REPLY = "部门回复"


def awaiting(cast: Cast, case_no: str, org_unit: str = OPERATOR_A) -> ProcessInstance:
    """An await_reply instance that has asked and now waits for the reply on `case_no`."""
    actor = cast.operator_a if org_unit == OPERATOR_A else cast.operator_b
    case = instances.start_instance(
        "await_reply", actor=actor, org_unit_code=org_unit, data={"case_no": case_no}
    )
    human_tasks.complete(case.human_tasks.get(status="open").pk, actor=actor, data={})
    case.refresh_from_db()
    return case


def reply(case_no: Any, message_id: str = "m-1", **payload: Any) -> SendRequest:
    return SendRequest(REPLY, message_id, {"case_no": str(case_no)}, payload)


def open_specs(case: ProcessInstance) -> list[str]:
    return list(case.human_tasks.filter(status="open").values_list("task_spec", flat=True))


def test_a_message_reaches_the_one_instance_waiting_with_its_keys(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_reply")
    cases = [awaiting(cast, f"SJ-{n}") for n in range(3)]
    assert all(case.status == InstanceStatus.WAITING and case.message_waits == 1 for case in cases)
    sent = messages.send_message(reply("SJ-1", opinion="同意"), actor=cast.office_a)
    assert sent.outcome == "delivered" and sent.instance_id == cases[1].pk and not sent.replay
    for case in cases:
        case.refresh_from_db()
    assert open_specs(cases[1]) == ["read_reply"]
    assert open_specs(cases[0]) == open_specs(cases[2]) == []
    data = runtime.load_workflow(cases[1]).get_tasks(spec_name="read_reply")[0].data
    assert data["reply"] == {"case_no": "SJ-1", "opinion": "同意"}
    # the waits follow the instances: the one that got its reply waits no more
    assert not MessageWait.objects.filter(instance_id=cases[1].pk).exists() and cases[1].message_waits == 0
    assert MessageWait.objects.filter(instance_id__in=[cases[0].pk, cases[2].pk]).count() == 2
    event = AuditEvent.objects.get(action="message.delivered")
    assert event.instance_id == cases[1].pk and event.actor_id == cast.office_a.pk
    after = event.after or {}
    assert after["message_id"] == "m-1" and after["correlation"] == {"case_no": "SJ-1"}
    assert MessageDelivery.objects.get().instance_id == cases[1].pk


def test_correlation_values_are_compared_as_text(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_reply")
    case = instances.start_instance(
        "await_reply", actor=cast.operator_a, org_unit_code=OPERATOR_A, data={"case_no": 2026}
    )
    human_tasks.complete(case.human_tasks.get(status="open").pk, actor=cast.operator_a, data={})
    sent = messages.send_message(
        request_from({"name": REPLY, "message_id": "x", "correlation": {"case_no": 2026}}),
        actor=cast.office_a,
    )
    assert sent.instance_id == case.pk


def test_an_unmatched_message_is_refused_naming_the_keys_and_changes_nothing(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    deploy_fixture("await_reply")
    case = awaiting(cast, "SJ-1")
    before = (case.state, AuditEvent.objects.count())
    with pytest.raises(NotFound) as refused:
        messages.send_message(reply("SJ-404"), actor=cast.office_a)
    assert refused.value.code == "no_receiver" and "SJ-404" in refused.value.message_en
    assert "SJ-404" in refused.value.message_zh
    case.refresh_from_db()
    assert (case.state, AuditEvent.objects.count()) == before
    assert not MessageDelivery.objects.exists()


def test_sending_again_with_the_same_id_is_a_replay(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_reply")
    case = awaiting(cast, "SJ-1")
    first = messages.send_message(reply("SJ-1", opinion="同意"), actor=cast.office_a)
    again = messages.send_message(reply("SJ-1", opinion="同意"), actor=cast.office_a)
    assert again.replay and again.instance_id == first.instance_id == case.pk
    assert AuditEvent.objects.filter(action="message.delivered").count() == 1
    with pytest.raises(Conflict) as reused:
        messages.send_message(reply("SJ-2"), actor=cast.office_a)
    assert reused.value.code == "message_id_reused"


def test_two_instances_waiting_with_the_same_keys_is_a_conflict(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_reply")
    awaiting(cast, "SJ-1")
    awaiting(cast, "SJ-1")
    with pytest.raises(Conflict) as refused:
        messages.send_message(reply("SJ-1"), actor=cast.office_a)
    assert refused.value.code == "ambiguous"


def test_senders_reach_only_instances_they_may_operate(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_reply")
    awaiting(cast, "SJ-B", org_unit=OPERATOR_B)
    with pytest.raises(NotFound):  # out of AREA_A's reach: as if nobody waited
        messages.send_message(reply("SJ-B"), actor=cast.office_a)
    for outsider in (cast.enterprise_a, cast.auditor, cast.stranger, cast.superuser):
        with pytest.raises(PermissionDenied):
            messages.send_message(reply("SJ-B", message_id=f"m-{outsider.username}"), actor=outsider)
    assert messages.send_message(reply("SJ-B"), actor=cast.office_b).outcome == "delivered"


def test_a_suspended_instance_does_not_take_messages(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_reply")
    case = awaiting(cast, "SJ-1")
    instances.suspend(case.pk, actor=cast.admin, reason="核查")
    with pytest.raises(NotFound):
        messages.send_message(reply("SJ-1"), actor=cast.office_a)
    instances.resume(case.pk, actor=cast.admin, reason="核查完毕")
    assert messages.send_message(reply("SJ-1"), actor=cast.office_a).instance_id == case.pk


def buffered_model(duration: str = "P3D") -> None:
    files = bundle_for(BPMN_DIR / "await_reply.bpmn")
    files["await_reply.bpmn"] = files["await_reply.bpmn"].replace(
        f'<bpmn:message id="reply" name="{REPLY}" />',
        f'<bpmn:message id="reply" name="{REPLY}"><bpmn:extensionElements><spiffworkflow:properties>'
        f'<spiffworkflow:property name="bufferFor" value="{duration}" />'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:message>",
    )
    deploy(files, actor=None, model_key="await_reply")


def test_a_buffered_message_waits_for_its_receiver(cast: Cast) -> None:
    buffered_model()
    sent = messages.send_message(reply("SJ-9", opinion="先到"), actor=cast.office_a)
    assert sent.outcome == "buffered"
    held = MessageDelivery.objects.get()
    assert held.outcome == "buffered" and held.expires_at is not None
    assert held.expires_at > timezone.now() + timedelta(days=2)
    assert AuditEvent.objects.filter(action="message.buffered").count() == 1
    case = awaiting(cast, "SJ-9")
    assert messages.deliver_buffered(case.pk) == 1  # the job queued after the turn that made it wait
    case.refresh_from_db()
    assert open_specs(case) == ["read_reply"]
    delivered = MessageDelivery.objects.get()
    assert delivered.outcome == "delivered" and delivered.instance_id == case.pk
    replay = messages.send_message(reply("SJ-9", opinion="先到"), actor=cast.office_a)
    assert replay.replay and replay.instance_id == case.pk


def test_an_expired_buffered_message_is_not_delivered(cast: Cast) -> None:
    buffered_model()
    messages.send_message(reply("SJ-9"), actor=cast.office_a)
    MessageDelivery.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert messages.expire_buffered() == 1
    case = awaiting(cast, "SJ-9")
    assert messages.deliver_buffered(case.pk) == 0
    case.refresh_from_db()
    assert case.status == InstanceStatus.WAITING


def start_choice(cast: Cast, case_no: str) -> ProcessInstance:
    return instances.start_instance(
        "await_choice", actor=cast.office_a, org_unit_code=AREA_A, data={"case_no": case_no}
    )


def test_a_boundary_message_interrupts_its_task(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_choice")
    case = start_choice(cast, "SJ-1")
    assert MessageWait.objects.get(instance_id=case.pk).name == "撤回申请"
    messages.send_message(SendRequest("撤回申请", "w-1", {"case_no": "SJ-1"}), actor=cast.office_a)
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED
    assert list(case.human_tasks.values_list("task_spec", "status")) == [("notify", "cancelled")]
    assert not MessageWait.objects.filter(instance_id=case.pk).exists()


def test_an_event_gateway_takes_the_message_branch(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_choice")
    case = start_choice(cast, "SJ-1")
    human_tasks.complete(case.human_tasks.get().pk, actor=cast.office_a, data={})
    case.refresh_from_db()
    waits = set(MessageWait.objects.filter(instance_id=case.pk).values_list("kind", "name"))
    assert waits == {("message", "补正材料"), ("signal", "政策调整")}
    assert case.next_timer_at is not None, "the deadline branch's timer is swept too"
    messages.send_message(
        SendRequest("补正材料", "s-1", {"case_no": "SJ-1"}, {"files": ["营业执照.pdf"]}), actor=cast.office_a
    )
    case.refresh_from_db()
    assert open_specs(case) == ["review"] and case.next_timer_at is None
    data = runtime.load_workflow(case).get_tasks(spec_name="review")[0].data
    assert data["supplement"]["files"] == ["营业执照.pdf"]


def test_a_message_and_a_completion_racing_one_wins(cast: Cast, deploy_fixture: Deploy) -> None:
    # Serially here (the threaded version is in test_message_delivery.py): whichever comes first,
    # the other sees a clear refusal and the instance is whole.
    deploy_fixture("await_choice")
    first = start_choice(cast, "SJ-1")
    messages.send_message(SendRequest("撤回申请", "w-1", {"case_no": "SJ-1"}), actor=cast.office_a)
    with pytest.raises(Conflict):
        human_tasks.complete(first.human_tasks.get().pk, actor=cast.office_a, data={})
    second = start_choice(cast, "SJ-2")
    human_tasks.complete(second.human_tasks.get().pk, actor=cast.office_a, data={})
    with pytest.raises(NotFound):
        messages.send_message(SendRequest("撤回申请", "w-2", {"case_no": "SJ-2"}), actor=cast.office_a)


def test_bad_sends_are_refused_field_by_field() -> None:
    for body, field in (
        ([], "body"),
        ({"message_id": "x"}, "name"),
        ({"name": "n"}, "message_id"),
        ({"name": "n", "message_id": "x", "correlation": []}, "correlation"),
        ({"name": "n", "message_id": "x", "correlation": {"k": {"nested": 1}}}, "correlation.k"),
        ({"name": "n", "message_id": "x", "correlation": {"k": True}}, "correlation.k"),
        ({"name": "n", "message_id": "x", "payload": "text"}, "payload"),
        ({"name": "n", "message_id": "x", "payload": {"big": "字" * 30000}}, "payload"),
        ({"name": "n" * 201, "message_id": "x"}, "name"),
    ):
        with pytest.raises(InvalidInput) as refused:
            request_from(body)
        assert [f.field for f in refused.value.fields] == [field], body
        assert refused.value.message_zh and refused.value.fields[0].message_zh


def test_a_signal_reaches_every_waiting_instance_once(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_choice")
    cases = [start_choice(cast, f"SJ-{n}") for n in range(3)]
    for case in cases[:2]:
        human_tasks.complete(case.human_tasks.get().pk, actor=cast.office_a, data={})
    sent = messages.send_signal(SendRequest("政策调整", "sig-1"), actor=cast.office_a)
    assert sent.outcome == "broadcast" and sent.count == 2
    record = MessageDelivery.objects.get(outcome="broadcast")
    assert messages.broadcast(record.pk) == 2  # the job
    assert messages.broadcast(record.pk) == 0  # run again: nobody gets it twice
    for case in cases:
        case.refresh_from_db()
    assert [open_specs(case) for case in cases] == [["reassess"], ["reassess"], ["notify"]]
    assert AuditEvent.objects.filter(action="signal.delivered").count() == 2
    assert messages.send_signal(SendRequest("政策调整", "sig-1"), actor=cast.office_a).replay


def test_a_signal_reaches_only_the_instances_of_its_scope(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_choice")
    units = [(AREA_A, "K-1"), (AREA_B, "K-2"), (AREA_A, "K-3"), (AREA_B, "K-4")]
    cases = []
    for n, (unit, key) in enumerate(units):
        office = cast.office_a if unit == AREA_A else cast.office_b
        case = instances.start_instance(
            "await_choice", actor=office, org_unit_code=unit, business_key=key, data={"case_no": n}
        )
        human_tasks.complete(case.human_tasks.get().pk, actor=office, data={})
        cases.append(case)

    def signal(message_id: str, actor: Any = cast.admin, **scope: str) -> int:
        body = {"name": "政策调整", "message_id": message_id, "scope": scope}
        messages.send_signal(request_from(body), actor=actor)
        # the job that delivers it, run here: how many got it
        return messages.broadcast(MessageDelivery.objects.get(message_id=message_id, outcome="broadcast").pk)

    def reached() -> list[bool]:
        return [bool(open_specs(case)) for case in cases]

    assert signal("s-none", process="no_such_model") == 0
    assert signal("s-key", business_key="K-2") == 1
    assert reached() == [False, True, False, False]
    # an operator's broadcast reaches only what it may operate, whatever the scope says
    assert signal("s-office", actor=cast.office_a, process="await_choice") == 2
    assert reached() == [True, True, True, False]
    assert signal("s-unit", org_unit=AREA_B) == 1
    assert reached() == [True, True, True, True]
    record = MessageDelivery.objects.get(message_id="s-unit", outcome="broadcast")
    assert record.correlation == {"org_unit": AREA_B}
    # the same id with another scope is another signal, not a replay
    with pytest.raises(Conflict):
        messages.send_signal(SendRequest("政策调整", "s-unit", scope={"org_unit": AREA_A}), actor=cast.admin)
    scope = AuditEvent.objects.filter(action="signal.sent").values_list("after__scope", flat=True)
    assert {"business_key": "K-2"} in list(scope)


def test_a_scope_is_checked_and_belongs_to_signals(cast: Cast) -> None:
    bad: tuple[tuple[Any, str], ...] = (
        ({"tenant": "x"}, "scope.tenant"),
        ({"org_unit": ""}, "scope.org_unit"),
        ([], "scope"),
    )
    for scope, field in bad:
        with pytest.raises(InvalidInput) as refused:
            request_from({"name": "n", "message_id": "x", "scope": scope})
        assert [f.field for f in refused.value.fields] == [field]
    with pytest.raises(InvalidInput) as refused:
        messages.send_message(SendRequest(REPLY, "m-x", scope={"org_unit": AREA_A}), actor=cast.admin)
    assert [f.field for f in refused.value.fields] == ["scope"]
    assert not MessageDelivery.objects.exists()


def test_what_an_instance_throws_is_sent_as_the_same_requests(cast: Cast, deploy_fixture: Deploy) -> None:
    from workflows.message_dispatch import thrown_requests

    deploy_fixture("send_reply")
    sender = instances.start_instance("send_reply", actor=cast.office_a, org_unit_code=AREA_A, data={})
    task = sender.human_tasks.get()
    row = HumanTask.objects.get(pk=task.pk)
    assert row.task_spec == "write"
    workflow = runtime.load_workflow(sender)
    spiff_task = runtime.find_task(workflow, row.spiff_task_id)
    assert spiff_task is not None
    spiff_task.data.update({"case_no": "SJ-7", "opinion": "同意"})
    spiff_task.run()
    workflow.do_engine_steps()
    sends = thrown_requests(sender, workflow.get_events())
    assert [(kind, request.name, request.correlation) for kind, request in sends] == [
        ("signal", "政策调整", {}),
        ("message", REPLY, {"case_no": "SJ-7"}),
    ]
    assert sends[1][1].payload == {"case_no": "SJ-7", "opinion": "同意"}
    assert len({request.message_id for _, request in sends}) == 2


def test_a_message_no_instance_waits_for_starts_the_model_that_takes_it(cast: Cast) -> None:
    files = bundle_for(BPMN_DIR / "complaint_start.bpmn")
    deploy(files, actor=None, model_key="complaint_start")
    complaint = SendRequest(
        "12315转办", "c-1", {}, {"content": "计量器具不准"}, org_unit=AREA_A, business_key="TS-1"
    )
    sent = messages.send_message(complaint, actor=cast.office_a)
    assert sent.outcome == "started" and sent.instance_id is not None
    case = ProcessInstance.objects.get(pk=sent.instance_id)
    assert case.business_key == "TS-1" and case.org_unit_code == AREA_A
    assert open_specs(case) == ["handle"]
    data = runtime.load_workflow(case).get_tasks(spec_name="handle")[0].data
    assert data["complaint"] == {"content": "计量器具不准"}
    assert messages.send_message(complaint, actor=cast.office_a).replay
    with pytest.raises(InvalidInput) as refused:
        messages.send_message(SendRequest("12315转办", "c-2"), actor=cast.office_a)
    assert refused.value.fields[0].field == "org_unit"
    with pytest.raises(PermissionDenied):  # starting is checked as any start is
        messages.send_message(SendRequest("12315转办", "c-3", org_unit=AREA_A), actor=cast.office_b)


@pytest.mark.parametrize("text", ["3 days", "R3/PT1H", "P", ""])
def test_a_buffer_time_that_is_not_a_duration_is_refused_at_deploy(text: str) -> None:
    from workflows.problems import DiagramInvalid

    with pytest.raises(DiagramInvalid) as refused:
        buffered_model(text)
    (problem,) = refused.value.problems
    assert problem.code == "message_buffer" and problem.element_id == "reply" and problem.line
    assert "bufferFor" in problem.message and problem.message_zh
