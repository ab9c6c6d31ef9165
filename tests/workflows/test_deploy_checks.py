"""Deploy-time checks and the quality of their errors: payload and correlation expressions in
the sandbox, the upload limit as a JSON error, DOCTYPE lines, service parameters and DMN cells
named as the author wrote them."""

from __future__ import annotations

import json
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.conftest import BPMN_DIR
from tests.personas import Cast
from workflows import instances
from workflows.deploy import bundle_for, deploy
from workflows.models import InstanceStatus, ProcessModelVersion
from workflows.parsing import DiagramInvalid
from workflows.spec_cache import compile_files

pytestmark = pytest.mark.django_db


def refused(files: dict[str, str], key: str) -> DiagramInvalid:
    with pytest.raises(DiagramInvalid) as caught:
        deploy(files, actor=None, model_key=key)
    assert ProcessModelVersion.objects.count() == 0
    return caught.value


def payload_files() -> dict[str, str]:
    return bundle_for(BPMN_DIR / "payloads.bpmn")


def test_payload_and_correlation_expressions_deploy_and_run(cast: Cast) -> None:
    deploy(payload_files(), actor=None, model_key="payloads")
    case = instances.start_instance(
        "payloads",
        actor=cast.office_a,
        org_unit_code="office-fangsong",
        data={"case_no": "FS-1", "level": 2},
    )
    assert case.status == InstanceStatus.COMPLETED, case.last_error


@pytest.mark.parametrize(
    ("written", "unsafe", "element_id", "what"),
    [
        ('{"case_no": case_no}', "__import__('os').getcwd()", "send_notice", "message payload"),
        ('{"level": level}', "().__class__.__subclasses__()", "ping", "payload expression"),
        (
            ">case_no</spiffworkflow:expression>",
            ">open('/etc/passwd')</spiffworkflow:expression>",
            "send_notice",
            "correlation expression",
        ),
        (
            ">case_no</bpmn:formalExpression>",
            ">case_no.__class__</bpmn:formalExpression>",
            "case_no",
            "correlation retrieval expression",
        ),
    ],
)
def test_unsafe_payload_expression_is_refused_at_deploy_naming_the_element(
    written: str, unsafe: str, element_id: str, what: str
) -> None:
    files = payload_files()
    assert written in files["payloads.bpmn"]
    files["payloads.bpmn"] = files["payloads.bpmn"].replace(written, unsafe)
    problems = refused(files, "payloads").problems
    assert len(problems) == 1
    problem = problems[0]
    assert problem.code == "expression"
    assert problem.element_id == element_id
    assert problem.message.startswith(f"{what} of {element_id!r}")
    assert problem.line is not None


# Refused at the edge (core/http/edge.py) before the view reads the body; this pins the contract for
# the deploy endpoint, whose uploads are the largest bodies the API takes.
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=50_000)
def test_upload_over_the_limit_is_a_json_error_naming_the_limit(cast: Cast, api: Any) -> None:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    files["notes.json"] = json.dumps({"description": "说明" * 30_000})
    response = api(cast.admin).post(reverse("process-model-deploy"), {"files": files}, format="json")
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large"
    assert "50000" in body["message"] and "50000" in body["message_en"]
    assert 50_000 in body["fields"][0].values(), "the field error carries the limit"
    assert ProcessModelVersion.objects.count() == 0


def test_doctype_refusal_gives_its_line() -> None:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    files["approval.bpmn"] = files["approval.bpmn"].replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n<!DOCTYPE x [<!ENTITY e "x">]>',
    )
    problem = refused(files, "approval").problems[0]
    assert (problem.code, problem.line) == ("xml", 3)
    assert problem.message_zh and "DOCTYPE" in problem.message


def test_service_parameter_refusal_names_the_task_and_the_parameter() -> None:
    files = bundle_for(BPMN_DIR / "service_step.bpmn")
    files["service_step.bpmn"] = files["service_step.bpmn"].replace(
        'value="label"', "value=\"__import__('os')\""
    )
    problem = refused(files, "service_step").problems[0]
    assert problem.code == "expression"
    assert problem.element_id == "record", "the service task, not the parameter"
    assert "service task 'record'" in problem.message and "parameter 'label'" in problem.message


def test_dmn_cell_refusal_quotes_the_cell_as_written() -> None:
    files = bundle_for(BPMN_DIR / "decision.bpmn")
    files["test_band.dmn"] = files["test_band.dmn"].replace("60 &lt;= ? &lt;= 70", "60 &lt;= ? &lt;= _limit")
    problem = refused(files, "decision").problems[0]
    assert problem.file == "test_band.dmn" and problem.code == "expression"
    assert "'60 <= ? <= _limit'" in problem.message
    assert "rule 2" in problem.message and "'Score'" in problem.message
    assert "dmninputexpr" not in problem.message and "(score) ==" not in problem.message


def test_form_json_nested_too_deeply_is_a_problem_not_a_crash() -> None:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    files["review.json"] = "[" * 100_000 + "]" * 100_000
    problems = refused(files, "approval").problems
    assert [(p.file, p.code) for p in problems] == [("review.json", "json")]


def with_condition(language: str, written: str) -> dict[str, str]:
    """guarded_gateway.bpmn with its condition written in `language`, as modelling tools write it."""
    files = bundle_for(BPMN_DIR / "guarded_gateway.bpmn")
    name = next(n for n in files if n.endswith(".bpmn"))
    files[name] = (
        files[name]
        .replace(
            "<bpmn:definitions ",
            '<bpmn:definitions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ',
            1,
        )
        .replace(
            "<bpmn:conditionExpression>flag == True</bpmn:conditionExpression>",
            f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="{language}">'
            f"{written}</bpmn:conditionExpression>",
        )
    )
    return files


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("feel", "${amount > 100}"),
        ("juel", "#{approved}"),
        ("http://www.w3.org/1999/XPath", "getDataObject('amount') &gt; 100"),
        ("javascript", "flag === true"),
    ],
)
def test_a_condition_in_another_language_is_refused_naming_the_languages_supported(
    language: str, written: str
) -> None:
    files = with_condition(language, written)
    problems = refused(files, "guarded_gateway").problems
    # One problem for the condition, saying what to write instead; no second one from reading it as Python.
    assert [p.code for p in problems] == ["expression_language"]
    assert problems[0].line is not None and "only Python expressions" in problems[0].message
    assert "仅支持 Python 表达式" in problems[0].message_zh


@pytest.mark.parametrize("language", ["python", "text/x-python", "Python"])
def test_a_condition_marked_python_deploys(language: str) -> None:
    files = with_condition(language, "flag == True")
    outcome = deploy(files, actor=None, model_key="guarded_gateway")
    assert outcome.created and not outcome.problems


def event_start(start: str = "", reminder: str = "", interrupting: bool = False) -> dict[str, str]:
    """event_start.bpmn with `start` as the process start's event definition and `reminder`
    in place of the event subprocess's timer."""
    files = bundle_for(BPMN_DIR / "event_start.bpmn")
    text = files["event_start.bpmn"].replace("<!-- process start definition -->", start)
    if reminder:
        timer = text[text.index('<bpmn:timerEventDefinition id="remind_timer">') :]
        timer = timer[: timer.index("</bpmn:timerEventDefinition>") + len("</bpmn:timerEventDefinition>")]
        text = text.replace(timer, reminder)
    if interrupting:
        text = text.replace('isInterrupting="false"', 'isInterrupting="true"')
    files["event_start.bpmn"] = text
    return files


ERROR = '<bpmn:errorEventDefinition id="d" errorRef="late_error" />'
ESCALATION = '<bpmn:escalationEventDefinition id="d" escalationRef="late_escalation" />'
MESSAGE = '<bpmn:messageEventDefinition id="d" messageRef="go_message" />'
SIGNAL = '<bpmn:signalEventDefinition id="d" signalRef="go_signal" />'
TIMER = (
    '<bpmn:timerEventDefinition id="d"><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>'
)


def the_refusal(files: dict[str, str]) -> Any:
    problems = refused(files, "event_start").problems
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.code == "unsupported_event" and problem.file == "event_start.bpmn"
    assert problem.line is not None and problem.message_zh
    return problem


@pytest.mark.parametrize(("definition", "kind"), [(ERROR, "error"), (ESCALATION, "escalation")])
@pytest.mark.parametrize("interrupting", [False, True])
def test_an_error_or_escalation_start_of_an_event_subprocess_is_refused(
    definition: str, kind: str, interrupting: bool
) -> None:
    # Spiff reads it as a plain start: the event subprocess would run as the instance starts.
    problem = the_refusal(event_start(reminder=definition, interrupting=interrupting))
    assert problem.element_id == "remind"
    assert problem.message.startswith(f"{kind} start events are not supported")
    assert f"{kind} boundary event" in problem.message and "边界事件" in problem.message_zh


@pytest.mark.parametrize("definition", [TIMER, MESSAGE, SIGNAL])
def test_an_interrupting_event_subprocess_is_refused(definition: str) -> None:
    # Spiff runs it beside the rest of the process, which it never interrupts.
    problem = the_refusal(event_start(reminder=definition, interrupting=True))
    assert problem.element_id == "remind"
    assert 'isInterrupting="false"' in problem.message and "interrupting boundary event" in problem.message


def test_a_conditional_start_of_an_event_subprocess_is_refused() -> None:
    condition = (
        '<bpmn:conditionalEventDefinition id="d"><bpmn:condition>late == True</bpmn:condition>'
        "</bpmn:conditionalEventDefinition>"
    )
    problem = the_refusal(event_start(reminder=condition))
    assert problem.element_id == "remind" and "never start" in problem.message


def test_a_process_started_by_a_signal_is_refused() -> None:
    # The instance would wait for ever: signals start nothing.
    problem = the_refusal(event_start(start=SIGNAL))
    assert problem.element_id == "start"
    assert problem.message.startswith("starting a process by a signal is not supported")
    assert "message start event" in problem.message


def test_a_process_started_by_a_message_deploys() -> None:
    # A message nobody waits for starts it (tests/workflows/test_messages.py).
    outcome = deploy(event_start(start=MESSAGE), actor=None, model_key="event_start")
    assert outcome.created and not outcome.problems


@pytest.mark.parametrize("definition", ["", MESSAGE, SIGNAL])
def test_non_interrupting_reminders_deploy(definition: str) -> None:
    outcome = deploy(event_start(reminder=definition), actor=None, model_key="event_start")
    assert outcome.created and not outcome.problems


def test_an_error_boundary_on_a_service_task_deploys() -> None:
    files = bundle_for(BPMN_DIR / "service_step.bpmn")
    files["service_step.bpmn"] = (
        files["service_step.bpmn"]
        .replace(
            '<bpmn:process id="service_step"',
            '<bpmn:error id="full" name="full" errorCode="full" /><bpmn:process id="service_step"',
        )
        .replace(
            "<bpmn:flowNodeRef>end</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>end</bpmn:flowNodeRef>"
            "<bpmn:flowNodeRef>on_full</bpmn:flowNodeRef><bpmn:flowNodeRef>full_end</bpmn:flowNodeRef>",
        )
        .replace(
            "</bpmn:process>",
            '<bpmn:boundaryEvent id="on_full" attachedToRef="record"><bpmn:outgoing>s5</bpmn:outgoing>'
            '<bpmn:errorEventDefinition id="on_full_error" errorRef="full" /></bpmn:boundaryEvent>'
            '<bpmn:endEvent id="full_end"><bpmn:incoming>s5</bpmn:incoming></bpmn:endEvent>'
            '<bpmn:sequenceFlow id="s5" sourceRef="on_full" targetRef="full_end" /></bpmn:process>',
        )
    )
    assert deploy(files, actor=None, model_key="service_step").created


@contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fail instead of hanging the suite if the parser loops."""

    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def with_unresolvable_data_object() -> dict[str, str]:
    """subprocess_task.bpmn whose inner task reads a data object declared nowhere: Spiff 3.2's
    parser would look for it for ever."""
    files = bundle_for(BPMN_DIR / "subprocess_task.bpmn")
    files["subprocess_task.bpmn"] = (
        files["subprocess_task.bpmn"]
        .replace(
            "<bpmn:incoming>s1</bpmn:incoming><bpmn:outgoing>s2</bpmn:outgoing>",
            "<bpmn:incoming>s1</bpmn:incoming><bpmn:outgoing>s2</bpmn:outgoing>"
            '<bpmn:dataInputAssociation id="reads"><bpmn:sourceRef>notes_ref</bpmn:sourceRef>'
            "<bpmn:targetRef>check</bpmn:targetRef></bpmn:dataInputAssociation>",
        )
        .replace(
            '<bpmn:sequenceFlow id="s1"',
            '<bpmn:dataObjectReference id="notes_ref" dataObjectRef="notes" /><bpmn:sequenceFlow id="s1"',
        )
    )
    return files


def test_a_data_object_the_parser_could_never_resolve_is_refused_not_hung() -> None:
    files = with_unresolvable_data_object()
    with at_most(20):
        problems = refused(files, "subprocess_task").problems
    assert [(p.code, p.element_id) for p in problems] == [("data_object", "check")]
    assert "'notes'" in problems[0].message and problems[0].message_zh
    with at_most(20), pytest.raises(DiagramInvalid):
        compile_files(files, "subprocess_task")  # a stored version fails to load, it does not hang


def test_a_data_object_declared_in_the_subprocess_deploys() -> None:
    files = with_unresolvable_data_object()
    files["subprocess_task.bpmn"] = files["subprocess_task.bpmn"].replace(
        '<bpmn:dataObjectReference id="notes_ref"',
        '<bpmn:dataObject id="notes" /><bpmn:dataObjectReference id="notes_ref"',
    )
    with at_most(20):
        assert deploy(files, actor=None, model_key="subprocess_task").created


def test_a_chain_too_long_for_the_parser_is_a_problem() -> None:
    steps = 1200
    tasks = "".join(
        f'<bpmn:intermediateThrowEvent id="t{i}"><bpmn:incoming>c{i}</bpmn:incoming>'
        f"<bpmn:outgoing>c{i + 1}</bpmn:outgoing></bpmn:intermediateThrowEvent>"
        f'<bpmn:sequenceFlow id="c{i + 1}" sourceRef="t{i}" targetRef="t{i + 1}" />'
        for i in range(1, steps)
    )
    files = {
        "chain.bpmn": '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        'targetNamespace="http://x"><bpmn:process id="chain" isExecutable="true">'
        '<bpmn:startEvent id="t0"><bpmn:outgoing>c1</bpmn:outgoing></bpmn:startEvent>'
        f'<bpmn:sequenceFlow id="c1" sourceRef="t0" targetRef="t1" />{tasks}'
        f'<bpmn:endEvent id="t{steps}"><bpmn:incoming>c{steps}</bpmn:incoming></bpmn:endEvent>'
        "</bpmn:process></bpmn:definitions>"
    }
    problems = refused(files, "chain").problems
    assert [p.code for p in problems] == ["too_deep"]
    assert isinstance(problems[0].line, int) and "too long" in problems[0].message


def test_a_parser_crash_is_a_problem_logged_once_without_traceback(caplog: pytest.LogCaptureFixture) -> None:
    files = bundle_for(BPMN_DIR / "decision.bpmn")
    files["test_band.dmn"] = (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="x" name="x" namespace="http://x"/>'
    )
    with caplog.at_level(logging.WARNING, logger="workflows.parse_errors"):
        problems = refused(files, "decision").problems
    assert [(p.file, p.code, p.line) for p in problems] == [("test_band.dmn", "engine", 1)]
    records = [r for r in caplog.records if r.name == "workflows.parse_errors"]
    assert len(records) == 1 and records[0].exc_info is None
    assert "IndexError" in records[0].getMessage()
