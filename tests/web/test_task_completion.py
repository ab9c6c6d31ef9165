"""Completing a task from its page: the button says what it does, the next step of the same case
follows when it is the user's, a case that stopped in an error says so, and the timeline names
people."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.personas import AREA_A, OPERATOR_A, Cast
from tests.web.test_task_page import client_for, url
from workflows import human_tasks, instances
from workflows.models import HumanTask

pytestmark = pytest.mark.django_db


def test_after_completing_the_next_step_of_the_same_case_follows_when_it_is_mine(
    cast: Cast, deploy_fixture: Any
) -> None:
    deploy_fixture("service_step")
    case = instances.start_instance(
        "service_step", actor=cast.office_a, org_unit_code=AREA_A, business_key="NX-1"
    )
    first = case.human_tasks.get(status=HumanTask.Status.OPEN)
    client = client_for(cast.office_a)
    response = client.post(url(first), {"f.label": "一号"})
    following = case.human_tasks.get(status=HumanTask.Status.OPEN)
    assert following.task_spec == "confirm"
    assert response.status_code == 302 and response["Location"] == url(following)


def test_a_completion_that_ends_in_an_error_says_so(cast: Cast, deploy_fixture: Any) -> None:
    deploy_fixture("service_step")
    case = instances.start_instance(
        "service_step", actor=cast.office_a, org_unit_code=AREA_A, business_key="NX-2"
    )
    first = case.human_tasks.get(status=HumanTask.Status.OPEN)
    response = client_for(cast.office_a).post(url(first), {"f.label": "坏", "f.fail": "on"}, follow=True)
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [level for level, _text in shown] == ["warning"]
    assert "administrators have been told" in shown[0][1]


def test_the_button_names_what_it_does(cast: Cast, deploy_fixture: Any) -> None:
    deploy_fixture("approval")
    case = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)

    def button(user: Any) -> str:
        task = case.human_tasks.get(status=HumanTask.Status.OPEN)
        found = re.search(
            r'data-testid="complete">([^<]+)<', client_for(user, "zh-hans").get(url(task)).content.decode()
        )
        assert found is not None
        return found.group(1)

    assert button(cast.operator_a) == "提交"
    human_tasks.complete(
        case.human_tasks.get(status="open").pk, actor=cast.operator_a, data={"title": "检定", "amount": 1}
    )
    human_tasks.complete(case.human_tasks.get(status="open").pk, actor=cast.office_a, data={"approved": True})
    human_tasks.complete(case.human_tasks.get(status="open").pk, actor=cast.reviewer, data={"approved": True})
    assert case.human_tasks.get(status="open").task_spec == "archive"
    assert button(cast.operator_a) == "办结"  # the last step before the end


def test_the_timeline_names_people_not_user_names(cast: Cast, deploy_fixture: Any) -> None:
    deploy_fixture("approval")
    cast.operator_a.first_name = "王小明"
    cast.operator_a.save(update_fields=["first_name"])
    case = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    human_tasks.complete(
        case.human_tasks.get(status="open").pk, actor=cast.operator_a, data={"title": "检定", "amount": 1}
    )
    review = case.human_tasks.get(status="open")
    page = client_for(cast.office_a).get(url(review)).content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert 'title="operator_a">王小明<' in timeline
