"""Call activities that call another deployed process model by key (issue 15): the binding picks
the callee's version (newest when the call starts, or the one deployed with the caller), a running
call keeps its version, only the data the callee declares crosses, deploy refuses what could not
run, and the instance shows its calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.errors import InvalidInput
from tests.conftest import BPMN_DIR
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances, migration, runtime
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion
from workflows.parsing import DeployProblem, DiagramInvalid

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]
# The callers live apart: the suite's diagram-by-diagram checks read tests/workflows/bpmn without
# a database, and a call by key is checked against the deployed models.
CALLS_DIR = BPMN_DIR / "calls"
CALLEE = "callee_review.bpmn"


def deploy_caller(stem: str, edit: Callable[[str], str] = lambda xml: xml) -> ProcessModelVersion:
    files = bundle_for(CALLS_DIR / f"{stem}.bpmn")
    files[f"{stem}.bpmn"] = edit(files[f"{stem}.bpmn"])
    outcome = deploy(files, actor=None, model_key=stem)
    assert outcome.version is not None
    return outcome.version


def with_sign_off(xml: str) -> str:
    """The callee's next version: a second step after the district's check."""
    return (
        xml.replace(
            "<bpmn:flowNodeRef>district_check</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>district_check</bpmn:flowNodeRef><bpmn:flowNodeRef>sign_off</bpmn:flowNodeRef>",
        )
        .replace(
            '<bpmn:endEvent id="review_end"><bpmn:incoming>c2</bpmn:incoming>',
            '<bpmn:userTask id="sign_off" name="区局签发"><bpmn:incoming>c2</bpmn:incoming>'
            "<bpmn:outgoing>c3</bpmn:outgoing></bpmn:userTask>"
            '<bpmn:endEvent id="review_end"><bpmn:incoming>c3</bpmn:incoming>',
        )
        .replace(
            '<bpmn:sequenceFlow id="c2" sourceRef="district_check" targetRef="review_end" />',
            '<bpmn:sequenceFlow id="c2" sourceRef="district_check" targetRef="sign_off" />'
            '<bpmn:sequenceFlow id="c3" sourceRef="sign_off" targetRef="review_end" />',
        )
    )


def redeploy_callee(
    base: ProcessModelVersion, edit: Callable[[str], str] = with_sign_off
) -> ProcessModelVersion:
    files = dict(base.files)
    files[CALLEE] = edit(files[CALLEE])
    outcome = deploy(files, actor=None, model_key="callee_review")
    assert outcome.version is not None and outcome.created
    return outcome.version


def start(cast: Cast, key: str, data: dict[str, Any]) -> ProcessInstance:
    return instances.start_instance(key, actor=cast.operator_a, org_unit_code=OPERATOR_A, data=data)


def open_tasks(case: ProcessInstance) -> list[HumanTask]:
    return list(case.human_tasks.filter(status=HumanTask.Status.OPEN).order_by("id"))


def only_open(case: ProcessInstance) -> HumanTask:
    (task,) = open_tasks(case)
    return task


def task_data(case: ProcessInstance, row: HumanTask) -> dict[str, Any]:
    case.refresh_from_db()
    found = runtime.find_task(runtime.load_workflow(case), row.spiff_task_id)
    assert found is not None
    return dict(found.data)


def line_of(files: dict[str, str], name: str, needle: str) -> int:
    return next(n for n, text in enumerate(files[name].splitlines(), start=1) if needle in text)


def refused(files: dict[str, str], key: str, code: str) -> list[DeployProblem]:
    with pytest.raises(DiagramInvalid) as caught:
        deploy(files, actor=None, model_key=key)
    return [problem for problem in caught.value.problems if problem.code == code]


def test_each_call_runs_the_callee_version_newest_when_it_starts(cast: Cast, deploy_fixture: Deploy) -> None:
    v1 = deploy_fixture("callee_review")
    deploy_caller("calls_twice")
    case = start(cast, "calls_twice", {"amount": 3})
    check = only_open(case)
    assert check.task_spec == "district_check" and check.title == "区局复核"
    assert check.lane == "区局" and check.candidate_group == "district_reviewer@district"
    assert check.form_file == "callee_review@v1/review.json"
    v2 = redeploy_callee(v1)
    # The running call keeps version 1 across the loads that follow: one step, then it returns.
    assert human_tasks.form_schema(check) is not None
    human_tasks.complete(check.pk, actor=cast.reviewer, data={"approved": True})
    between = only_open(case)
    assert between.task_spec == "between"
    human_tasks.complete(between.pk, actor=cast.operator_a, data={})
    # The second call starts after the redeployment: version 2, with its sign-off.
    check = only_open(case)
    assert check.task_spec == "district_check" and check.form_file == "callee_review@v2/review.json"
    with pytest.raises(InvalidInput):  # the callee's form applies
        human_tasks.complete(check.pk, actor=cast.reviewer, data={"approved": "yes"})
    human_tasks.complete(check.pk, actor=cast.reviewer, data={"approved": True})
    sign_off = only_open(case)
    assert sign_off.task_spec == "sign_off" and sign_off.candidate_group == "district_reviewer@district"
    human_tasks.complete(sign_off.pk, actor=cast.reviewer, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED, case.last_error
    assert v2.number == 2


def test_an_instance_started_before_a_redeployment_keeps_its_running_call(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    v1 = deploy_fixture("callee_review")
    deploy_caller("calls_twice")
    early = start(cast, "calls_twice", {"amount": 1})
    redeploy_callee(v1)
    late = start(cast, "calls_twice", {"amount": 2})
    human_tasks.complete(only_open(late).pk, actor=cast.reviewer, data={"approved": True})
    assert only_open(late).task_spec == "sign_off"
    human_tasks.complete(only_open(early).pk, actor=cast.reviewer, data={"approved": False}, opinion="不同意")
    assert only_open(early).task_spec == "between", "version 1 has no sign-off"


def test_a_deployment_binding_keeps_the_callee_version_deployed_with_the_caller(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    v1 = deploy_fixture("callee_review")
    caller = deploy_caller("calls_bound")
    assert caller.callees == {"callee_review": v1.pk}
    redeploy_callee(v1)
    case = start(cast, "calls_bound", {"amount": 5})
    check = only_open(case)
    assert check.form_file == "callee_review@v1/review.json"
    human_tasks.complete(check.pk, actor=cast.reviewer, data={"approved": True})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED, "version 1: no sign-off"
    # Deploying the caller again unchanged is the same version, still bound to version 1.
    again = deploy(bundle_for(CALLS_DIR / "calls_bound.bpmn"), actor=None, model_key="calls_bound")
    assert (
        again.version is not None and not again.created and again.version.callees == {"callee_review": v1.pk}
    )


def test_only_the_declared_data_crosses_the_call(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("callee_review")
    deploy_caller("calls_twice")
    case = start(cast, "calls_twice", {"amount": 3, "secret": "内部"})
    check = only_open(case)
    inside = task_data(case, check)
    assert inside["amount"] == 3 and "secret" not in inside
    human_tasks.complete(check.pk, actor=cast.reviewer, data={"approved": True, "comment": "同意"})
    back = task_data(case, only_open(case))
    assert back["approved"] is True and back["amount"] == 3 and back["secret"] == "内部"
    assert "comment" not in back, "an undeclared variable of the callee stays there"


def test_a_missing_declared_input_stops_the_instance_at_the_call(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("callee_review")
    deploy_caller("calls_twice")
    case = start(cast, "calls_twice", {"secret": 1})
    case.refresh_from_db()
    assert case.status == InstanceStatus.ERROR and case.error_task_spec == "first_review"
    assert "amount" in case.last_error


def test_a_callee_that_is_not_deployed_is_refused_naming_the_call(cast: Cast) -> None:
    files = bundle_for(CALLS_DIR / "calls_bound.bpmn")
    (problem,) = refused(files, "calls_bound", "call_activity")
    assert problem.file == "calls_bound.bpmn" and problem.element_id == "bound_review"
    assert problem.line == line_of(files, "calls_bound.bpmn", 'id="bound_review"')
    assert "callee_review" in problem.message and "callee_review" in problem.message_zh


def test_a_callee_without_declared_data_is_refused(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("approval")
    files = bundle_for(CALLS_DIR / "calls_bound.bpmn")
    files["calls_bound.bpmn"] = files["calls_bound.bpmn"].replace(
        'calledElement="callee_review"', 'calledElement="approval"'
    )
    (problem,) = refused(files, "calls_bound", "call_mapping")
    assert problem.element_id == "bound_review" and "ioSpecification" in problem.message


def test_a_binding_that_is_not_one_is_refused(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("callee_review")
    files = bundle_for(CALLS_DIR / "calls_bound.bpmn")
    files["calls_bound.bpmn"] = files["calls_bound.bpmn"].replace('value="deployment"', 'value="version"')
    (problem,) = refused(files, "calls_bound", "call_binding")
    assert problem.element_id == "bound_review" and problem.line is not None


def test_a_call_that_comes_back_to_its_caller_is_refused(cast: Cast, deploy_fixture: Deploy) -> None:
    v1 = deploy_fixture("callee_review")
    deploy_caller("calls_twice")

    def calls_back(xml: str) -> str:
        # The callee's check becomes a call of calls_twice, which calls the callee.
        return xml.replace(
            '<bpmn:userTask id="district_check" name="区局复核">',
            '<bpmn:callActivity id="district_check" calledElement="calls_twice">',
        ).replace("</bpmn:userTask>", "</bpmn:callActivity>")

    files = dict(v1.files)
    files[CALLEE] = calls_back(files[CALLEE])
    problems = refused(files, "callee_review", "call_cycle")
    assert [p.element_id for p in problems] == ["district_check"]
    assert "callee_review → calls_twice → callee_review" in problems[0].message


def test_migrating_the_caller_keeps_the_version_a_running_call_runs(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    v1 = deploy_fixture("callee_review")
    deploy_caller("calls_twice")
    case = start(cast, "calls_twice", {"amount": 1})
    redeploy_callee(v1)
    deploy_caller("calls_twice", lambda xml: xml.replace('name="补充材料"', 'name="补充说明"'))
    found = migration.plan(case.pk, actor=cast.admin)
    assert found.can_migrate, found.blockers
    migration.migrate(case.pk, actor=cast.admin, reason="改名")
    human_tasks.complete(only_open(case).pk, actor=cast.reviewer, data={"approved": True})
    between = only_open(case)
    assert between.task_spec == "between" and between.title == "补充说明"


def test_the_instance_shows_its_calls(cast: Cast, api: Any, client: Any, deploy_fixture: Deploy) -> None:
    v1 = deploy_fixture("callee_review")
    deploy_caller("calls_twice")
    case = start(cast, "calls_twice", {"amount": 1})
    human_tasks.complete(only_open(case).pk, actor=cast.reviewer, data={"approved": True})
    redeploy_callee(v1)
    human_tasks.complete(only_open(case).pk, actor=cast.operator_a, data={})
    check = only_open(case)
    detail = api(cast.admin).get(reverse("instance-detail", kwargs={"pk": case.pk}))
    assert detail.status_code == 200, detail.content
    calls = detail.json()["calls"]
    assert [(c["call_activity"], c["model_key"], c["version"], c["status"]) for c in calls] == [
        ("first_review", "callee_review", 1, "completed"),
        ("second_review", "callee_review", 2, "running"),
    ]
    assert calls[1]["called_element"] == "callee_review" and calls[1]["depth"] == 1
    assert [t["id"] for t in calls[1]["open_tasks"]] == [check.pk] and calls[0]["open_tasks"] == []
    client.force_login(cast.admin)
    page = client.get(reverse("instance-admin-detail", kwargs={"pk": case.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="calls"' in html
    assert "callee_review v2" in html and 'data-call="second_review"' in html


def test_the_command_deploys_several_files_as_one_model(cast: Cast) -> None:
    call_command(
        "deploy_bpmn", "--model", "calls_twice", str(CALLS_DIR / "calls_twice.bpmn"), str(BPMN_DIR / CALLEE)
    )
    version = ProcessModelVersion.objects.get(process_model__key="calls_twice")
    assert sorted(version.files) == ["callee_review.bpmn", "calls_twice.bpmn", "review.json"]
    assert version.main_process_id == "calls_twice" and version.callees == {}
    case = start(cast, "calls_twice", {"amount": 1})
    check = only_open(case)
    assert check.form_file == "review.json", "the callee is in the file set: an ordinary call"


def test_the_command_deploys_callees_before_their_callers(cast: Cast) -> None:
    call_command("deploy_bpmn", str(CALLS_DIR / "calls_bound.bpmn"), str(BPMN_DIR / CALLEE))
    caller = ProcessModelVersion.objects.get(process_model__key="calls_bound")
    callee = ProcessModelVersion.objects.get(process_model__key="callee_review")
    assert caller.callees == {"callee_review": callee.pk}


def test_a_call_by_key_inside_a_called_model_runs_and_shows_one_level_down(
    cast: Cast, api: Any, deploy_fixture: Deploy
) -> None:
    deploy_fixture("callee_review")
    deploy_caller("relay_review")
    deploy_caller("calls_relay")
    case = start(cast, "calls_relay", {"amount": 7, "secret": 1})
    check = only_open(case)
    assert check.task_spec == "district_check" and check.candidate_group == "district_reviewer@district"
    inside = task_data(case, check)
    assert inside["amount"] == 7 and "secret" not in inside
    calls = api(cast.admin).get(reverse("instance-detail", kwargs={"pk": case.pk})).json()["calls"]
    assert [(c["call_activity"], c["model_key"], c["depth"], len(c["open_tasks"])) for c in calls] == [
        ("relay", "relay_review", 1, 0),
        ("relay_call", "callee_review", 2, 1),
    ]
    human_tasks.complete(check.pk, actor=cast.reviewer, data={"approved": False, "comment": "补正"})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED, case.last_error
    workflow = runtime.load_workflow(case)
    assert workflow.last_task is not None
    final = dict(workflow.last_task.data)
    assert final["approved"] is False and "comment" not in final and final["secret"] == 1
