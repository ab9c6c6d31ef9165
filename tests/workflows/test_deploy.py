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
