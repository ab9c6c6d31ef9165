"""A diagram expression that fails while a completed human task runs (the timer after it, say)
is an error of that instance, reported like any engine failure, never a 500 of the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.personas import Cast
from workflows import human_tasks, instances
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, InstanceStatus

from ..conftest import BPMN_DIR


def _deploy_with_timer(text: str) -> None:
    files = bundle_for(BPMN_DIR / "task_then_timer.bpmn")
    files["task_then_timer.bpmn"] = files["task_then_timer.bpmn"].replace(
        "<bpmn:timeDuration>wait</bpmn:timeDuration>", f"<bpmn:timeDuration>{text}</bpmn:timeDuration>"
    )
    deploy(files, actor=None, model_key="task_then_timer")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("timer_text", "said"),
    [
        ("len('%100000000d' % 1)", "exceeds the evaluation limits"),
        ("no_such_variable", "no_such_variable"),
    ],
)
def test_failing_expression_after_a_completed_task_is_an_instance_error_not_a_500(
    cast: Cast, api: Callable[[Any], Any], timer_text: str, said: str
) -> None:
    _deploy_with_timer(timer_text)
    instance = instances.start_instance(
        "task_then_timer", actor=cast.office_a, org_unit_code="office-fangsong", data={}
    )
    task = instance.human_tasks.get()
    human_tasks.claim(task.pk, actor=cast.office_a)

    response = api(cast.office_a).post(f"/api/tasks/{task.pk}/complete/", {"data": {}}, format="json")

    assert response.status_code == 200, response.content
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.ERROR
    assert said in instance.last_error
    assert HumanTask.objects.get(pk=task.pk).status == HumanTask.Status.COMPLETED
