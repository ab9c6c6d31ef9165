"""describe_task: the engine's side of the task page (workflow data, elements done, the diagram)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.personas import Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion
from workflows.task_view import describe_task, main_diagram

Deploy = Callable[[str], ProcessModelVersion]


def start(cast: Cast) -> ProcessInstance:
    return instances.start_instance(
        "approval",
        actor=cast.operator_a,
        org_unit_code="operator-fs",
        business_key="QI-2024-0002",
        subject="某企业计量检定",
        data={"requester": "张三"},
    )


def open_task(instance: ProcessInstance, spec: str) -> HumanTask:
    return HumanTask.objects.select_related("instance__version").get(
        instance=instance, task_spec=spec, status=HumanTask.Status.OPEN
    )


@pytest.mark.django_db
def test_an_open_task_reads_its_data_and_the_main_diagram(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("approval")
    view = describe_task(open_task(start(cast), "submit"))
    assert view.data["requester"] == "张三"
    assert "submit" not in view.done and "start" in view.done
    assert view.diagram is not None
    assert view.diagram.file == "approval.bpmn" and view.diagram.has_layout is False
    assert '<bpmn:process id="approval"' in view.diagram.xml


@pytest.mark.django_db
def test_a_completed_task_is_done_and_keeps_what_was_submitted(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("approval")
    instance = start(cast)
    submit = open_task(instance, "submit")
    human_tasks.complete(submit.pk, actor=cast.operator_a, data={"title": "计量检定申请", "amount": 12.5})
    submit.refresh_from_db()
    submit.instance.refresh_from_db()
    view = describe_task(submit)
    assert "submit" in view.done
    assert view.data["title"] == "计量检定申请" and view.data["amount"] == 12.5


@pytest.mark.django_db
def test_a_state_that_does_not_load_reads_as_empty(
    cast: Cast, deploy_fixture: Deploy, caplog: pytest.LogCaptureFixture
) -> None:
    deploy_fixture("approval")
    task = open_task(start(cast), "submit")
    task.instance.state = '{"not": "a workflow"}'
    view = describe_task(task)
    assert view.data == {} and view.done == frozenset()
    assert view.diagram is not None  # the diagram does not depend on the state
    assert "could not load the workflow" in caplog.text


def test_main_diagram_is_the_file_defining_the_main_process() -> None:
    other = (
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="sub"/></definitions>'
    )
    main = (
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="main"/></definitions>'
    )
    version = ProcessModelVersion(
        content_hash="test-main-file",
        main_process_id="main",
        files={"a.bpmn": other, "b.bpmn": main, "form.json": "{}"},
    )
    diagram = main_diagram(version)
    assert diagram is not None
    assert (diagram.file, diagram.xml, diagram.has_layout) == ("b.bpmn", main, False)


def test_no_file_defines_the_main_process() -> None:
    version = ProcessModelVersion(
        content_hash="test-no-main-file",
        main_process_id="main",
        files={"broken.bpmn": "<definitions", "doctype.bpmn": "<!DOCTYPE x><definitions/>"},
    )
    assert main_diagram(version) is None
