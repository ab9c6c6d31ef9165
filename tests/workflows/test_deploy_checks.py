"""Deploy-time checks and the quality of their errors: payload and correlation expressions in
the sandbox, the upload limit as a JSON error, DOCTYPE lines, service parameters and DMN cells
named as the author wrote them."""

from __future__ import annotations

import json
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
