"""Deploying diagrams: versions, idempotence, and every bad input refused with nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from audit.models import AuditEvent
from core.errors import PermissionDenied
from tests.conftest import BPMN_DIR
from workflows.deploy import bundle_for, deploy
from workflows.models import ProcessModel, ProcessModelVersion
from workflows.parsing import DiagramInvalid

pytestmark = pytest.mark.django_db


def approval_files() -> dict[str, str]:
    return bundle_for(BPMN_DIR / "approval.bpmn")


def counts() -> tuple[int, int, int]:
    return ProcessModel.objects.count(), ProcessModelVersion.objects.count(), AuditEvent.objects.count()


def refused(files: dict[str, str]) -> DiagramInvalid:
    before = counts()
    with pytest.raises(DiagramInvalid) as caught:
        deploy(files, actor=None, model_key="approval")
    assert counts() == before, "a refused deployment must change nothing"
    return caught.value


def test_bundle_takes_the_forms_the_diagram_names() -> None:
    assert sorted(approval_files()) == ["approval.bpmn", "review.json", "submit.json"]


def test_deploy_creates_version_one_and_an_audit_event() -> None:
    outcome = deploy(approval_files(), actor=None, model_key="approval", name="四步审批")
    assert outcome.created and outcome.version is not None
    assert outcome.version.number == 1
    assert outcome.version.main_process_id == "approval"
    assert ProcessModel.objects.get(key="approval").name == "四步审批"
    assert AuditEvent.objects.filter(action="model.deployed").count() == 1


def test_same_content_deploys_to_the_same_version() -> None:
    first = deploy(approval_files(), actor=None, model_key="approval")
    again = deploy(approval_files(), actor=None, model_key="approval")
    assert not again.created
    assert again.version == first.version
    assert ProcessModelVersion.objects.count() == 1


def test_changed_content_is_a_new_version() -> None:
    deploy(approval_files(), actor=None, model_key="approval")
    files = approval_files()
    files["approval.bpmn"] = files["approval.bpmn"].replace("提交申请", "提交服务申请")
    second = deploy(files, actor=None, model_key="approval")
    assert second.created and second.version is not None and second.version.number == 2


def test_validate_only_changes_nothing() -> None:
    before = counts()
    outcome = deploy(approval_files(), actor=None, model_key="approval", validate_only=True)
    assert outcome.version is None and not outcome.problems
    assert counts() == before


def test_only_process_admins_may_deploy(cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        deploy(approval_files(), actor=cast.office_a, model_key="approval")
    assert deploy(approval_files(), actor=cast.admin, model_key="approval").created


def test_malformed_xml_names_file_and_line() -> None:
    files = approval_files()
    files["approval.bpmn"] = files["approval.bpmn"].replace("</bpmn:process>", "</bpmn:proces>")
    problem = refused(files).problems[0]
    assert problem.file == "approval.bpmn"
    assert problem.code == "xml"
    assert problem.line and problem.line > 1


def test_doctype_and_entities_are_refused() -> None:
    files = approval_files()
    files["approval.bpmn"] = files["approval.bpmn"].replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )
    assert refused(files).problems[0].code == "xml"


def test_lane_without_role_is_refused() -> None:
    files = approval_files()
    files["approval.bpmn"] = files["approval.bpmn"].replace('name="district_reviewer"', 'name="财务科"')
    problem = refused(files).problems[0]
    assert problem.code == "lane"
    assert problem.element_id == "district_review"
    assert "财务科" in problem.message


def test_human_task_outside_any_lane_is_refused() -> None:
    files = approval_files()
    files["approval.bpmn"] = files["approval.bpmn"].replace(
        "<bpmn:flowNodeRef>archive</bpmn:flowNodeRef>", ""
    )
    assert refused(files).problems[0].element_id == "archive"


def test_script_task_is_refused() -> None:
    files = approval_files()
    files["approval.bpmn"] = (
        files["approval.bpmn"]
        .replace(
            '<bpmn:userTask id="archive" name="归档">',
            '<bpmn:scriptTask id="archive" name="归档"><bpmn:script>import os</bpmn:script>',
        )
        .replace(
            '</bpmn:userTask>\n    <bpmn:endEvent id="done">',
            '</bpmn:scriptTask>\n    <bpmn:endEvent id="done">',
        )
    )
    problems = refused(files).problems
    assert any(p.code == "script_task" and p.element_id == "archive" for p in problems)


def test_pre_and_post_scripts_are_refused() -> None:
    files = approval_files()
    files["approval.bpmn"] = files["approval.bpmn"].replace(
        "<spiffworkflow:instructionsForEndUser>",
        "<spiffworkflow:preScript>import os</spiffworkflow:preScript><spiffworkflow:instructionsForEndUser>",
    )
    problems = refused(files).problems
    assert any(p.code == "script" and p.element_id == "submit" for p in problems)


def test_import_in_a_condition_is_refused() -> None:
    files = approval_files()
    files["approval.bpmn"] = files["approval.bpmn"].replace(
        "approved == True", "__import__('os').system('touch /tmp/pwned')"
    )
    problem = refused(files).problems[0]
    assert problem.code == "expression"
    assert problem.element_id == "f_ok"
    assert problem.line is not None


def test_missing_form_file_is_refused() -> None:
    files = approval_files()
    del files["review.json"]
    problems = refused(files).problems
    assert {p.code for p in problems} == {"form_missing"}
    assert {p.element_id for p in problems} == {"office_review", "district_review"}


def test_form_that_is_not_json_schema_is_refused() -> None:
    files = approval_files()
    files["review.json"] = '{"type": "no-such-type"}'
    assert refused(files).problems[0].code == "form_schema"


def test_form_that_is_not_json_is_refused() -> None:
    files = approval_files()
    files["review.json"] = "{not json"
    assert refused(files).problems[0].code == "json"


def test_unregistered_service_handler_is_refused() -> None:
    files = bundle_for(BPMN_DIR / "service_step.bpmn")
    files["service_step.bpmn"] = files["service_step.bpmn"].replace('id="test_record"', 'id="rm_rf"')
    problem = refused(files).problems[0]
    assert problem.code == "handler"
    assert "rm_rf" in problem.message


def decision_files() -> dict[str, str]:
    return bundle_for(BPMN_DIR / "decision.bpmn")


def test_decision_bundle_includes_its_table() -> None:
    assert "test_band.dmn" in decision_files()


@pytest.mark.parametrize(
    "cell",
    [
        "().__class__.__base__.__subclasses__()",
        "&gt; __import__('os').getpid()",
        "? in ().__class__.__mro__",
    ],
)
def test_escape_in_a_dmn_cell_is_refused(cell: str) -> None:
    files = decision_files()
    files["test_band.dmn"] = files["test_band.dmn"].replace("&lt; 60", cell)
    problem = refused(files).problems[0]
    assert problem.file == "test_band.dmn"
    assert problem.code == "expression"


def test_escape_in_a_dmn_output_is_refused() -> None:
    files = decision_files()
    files["test_band.dmn"] = files["test_band.dmn"].replace('"promote"', "open('/etc/passwd').read()")
    assert refused(files).problems[0].code == "expression"


def test_timer_expression_is_checked() -> None:
    files = bundle_for(BPMN_DIR / "timer.bpmn")
    files["timer.bpmn"] = files["timer.bpmn"].replace(">timeout<", ">timeout.__class__<")
    assert refused(files).problems[0].code == "expression"


def test_several_problems_are_reported_together() -> None:
    files = approval_files()
    del files["submit.json"]
    files["approval.bpmn"] = files["approval.bpmn"].replace("approved == True", "exec('1')")
    codes = {p.code for p in refused(files).problems}
    assert codes == {"form_missing", "expression"}


def test_no_bpmn_and_wrong_kinds_are_refused() -> None:
    assert refused({"notes.txt": "hello"}).problems[0].code == "kind"
    assert refused({}).problems[0].code == "empty"
    assert refused({"../evil.bpmn": "<x/>"}).problems[0].code == "file_name"


def test_non_executable_process_is_refused() -> None:
    files = approval_files()
    files["approval.bpmn"] = files["approval.bpmn"].replace('isExecutable="true"', 'isExecutable="false"')
    assert refused(files).problems[0].code == "no_process"


def test_management_command_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("deploy_bpmn", str(BPMN_DIR / "approval.bpmn"))
    call_command("deploy_bpmn", str(BPMN_DIR / "approval.bpmn"))
    out = capsys.readouterr().out
    assert "deployed as approval v1" in out and "unchanged as approval v1" in out


def test_shipped_diagrams_all_deploy(deploy_fixture: Callable[[str], ProcessModelVersion]) -> None:
    for stem in ("approval", "cycle", "service_step", "timer", "decision"):
        assert deploy_fixture(stem).number == 1


def test_our_checks_and_the_engines_come_back_together_sorted_by_line() -> None:
    files = approval_files()
    files["approval.bpmn"] = (
        files["approval.bpmn"]
        .replace('name="district_reviewer"', 'name="财务科"')  # ours: a lane without a role
        .replace(' default="f_reject"', "")  # the engine's: a gateway flow with no condition
    )
    problems = refused(files).problems
    assert [(p.code, p.element_id) for p in problems] == [
        ("condition", "f_reject"),
        ("lane", "district_review"),
    ]
    lines = [p.line or 0 for p in problems]
    assert all(isinstance(p.line, int) for p in problems) and lines == sorted(lines)
    assert all(p.message_zh for p in problems)


def test_every_schema_error_of_every_file_comes_back_with_its_line() -> None:
    files = bundle_for(BPMN_DIR / "decision.bpmn")
    files["decision.bpmn"] = (
        files["decision.bpmn"]
        .replace('<bpmn:userTask id="promote"', '<bpmn:userTask id="promote" colour="red"')
        .replace('<bpmn:userTask id="guide"', '<bpmn:userTask id="guide" colour="blue"')
    )
    files["test_band.dmn"] = files["test_band.dmn"].replace(
        '<rule id="r_recorded">', '<note id="stray" /><rule id="r_recorded">'
    )
    problems = refused(files).problems
    assert [(p.file, p.code, p.element_id) for p in problems] == [
        ("decision.bpmn", "schema", "promote"),
        ("decision.bpmn", "schema", "guide"),
        ("test_band.dmn", "schema", "stray"),
    ]
    assert problems[0].message == "attribute colour is not allowed on element bpmn:userTask"
    assert problems[0].message_zh == "元素 bpmn:userTask 不允许有属性 colour"
    assert problems[2].message == "element dmn:note is not allowed here; expected dmn:rule"
    assert all(isinstance(p.line, int) for p in problems)


def test_a_problem_both_we_and_the_engine_find_is_listed_once() -> None:
    files = bundle_for(BPMN_DIR / "service_step.bpmn")
    text = files["service_step.bpmn"]
    operator = text[text.index("<spiffworkflow:serviceTaskOperator") :]
    operator = operator[: operator.index("</spiffworkflow:serviceTaskOperator>") + 36]
    files["service_step.bpmn"] = text.replace(operator, "")
    problems = refused(files).problems
    assert [(p.code, p.element_id, p.message) for p in problems] == [
        ("handler", "record", "service task names no handler")
    ]


FLOW_TO = '<bpmn:sequenceFlow id="f5" sourceRef="archive" targetRef="done" />'


@pytest.mark.parametrize(
    ("edit", "code", "element_id", "words"),
    [
        (  # Spiff's "Multiple outgoing flows are not supported for tasks of type"
            lambda x: x.replace(
                FLOW_TO, FLOW_TO + '<bpmn:sequenceFlow id="f6" sourceRef="archive" targetRef="rejected" />'
            ),
            "outgoing",
            "archive",
            "several outgoing sequence flows",
        ),
        (  # Spiff's TypeError from raise_validation_exception(node=...)
            lambda x: x.replace(
                "</bpmn:process>",
                '<bpmn:boundaryEvent id="late" attachedToRef="archive"><bpmn:errorEventDefinition '
                'id="late_error" errorRef="no_such_error" /></bpmn:boundaryEvent></bpmn:process>',
            ),
            "missing_ref",
            "late",
            "does not define",
        ),
        (
            lambda x: x.replace(
                '<bpmn:userTask id="archive" name="归档">', '<bpmn:complexGateway id="archive" name="归档">'
            ).replace(
                '</bpmn:userTask>\n    <bpmn:endEvent id="done">',
                '</bpmn:complexGateway>\n    <bpmn:endEvent id="done">',
            ),
            "unsupported_element",
            "archive",
            "does not support bpmn:complexGateway",
        ),
        (
            lambda x: x.replace(FLOW_TO, FLOW_TO.replace('targetRef="done"', 'targetRef="nowhere"')),
            "flow",
            "archive",
            "'nowhere', which is not an element of its process",
        ),
    ],
)
def test_the_engines_refusals_are_located_and_said_in_both_languages(
    edit: Callable[[str], str], code: str, element_id: str, words: str
) -> None:
    files = approval_files()
    files["approval.bpmn"] = edit(files["approval.bpmn"])
    problems = [p for p in refused(files).problems if p.code != "lane"]
    assert [(p.code, p.element_id) for p in problems] == [(code, element_id)]
    problem = problems[0]
    assert words in problem.message and problem.message_zh and isinstance(problem.line, int)
    for garbage in ("for tasks of type", "object at 0x", "<", "Error(", "Context:"):
        assert garbage not in problem.message
