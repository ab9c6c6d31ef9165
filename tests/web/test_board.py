"""The operator board: who sees which cases, columns by stage, the actions offered, query bounds.

Decisions the tests pin down: the auditor gets a read-only board (every case, no action);
enterprise users and users without a membership get 403; district roles see every area and
narrow it with the org-unit filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from casemgmt.cases.web.board import Card, Column
from casemgmt.models import OrgUnit
from tests.factories import make_membership, make_user
from tests.personas import AREA_A, AREA_B, ENTERPRISE_A, OPERATOR_A, OPERATOR_B, Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion
from workflows.web import stages

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]


def client_for(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = language
    return client


def start(cast: Cast, key: str, unit: str = OPERATOR_A, actor: Any = None) -> ProcessInstance:
    return instances.start_instance(
        "approval",
        actor=actor or cast.operator_a,
        org_unit_code=unit,
        business_key=key,
        subject=f"申请 {key}",
    )


def open_task(case: ProcessInstance) -> HumanTask:
    return case.human_tasks.get(status=HumanTask.Status.OPEN)


def submit(case: ProcessInstance, cast: Cast) -> None:
    human_tasks.complete(open_task(case).pk, actor=cast.operator_a, data={"title": "校准", "amount": 1})


def board(client: Client, **params: str) -> list[Column]:
    response = client.get(reverse("board"), params)
    assert response.status_code == 200, response.status_code
    return list(response.context["columns"])


def cards(columns: list[Column]) -> dict[str, Card]:
    return {card.instance.business_key: card for column in columns for card in column.cards}


def column_of(columns: list[Column], key: str) -> str:
    return next(c.key for c in columns if any(card.instance.business_key == key for card in c.cards))


def action_url(case: ProcessInstance, action: str) -> str:
    return reverse("board-action", args=[case.pk, action])


@pytest.fixture
def case_a(cast: Cast, deploy_fixture: Deploy) -> ProcessInstance:
    deploy_fixture("approval")
    return start(cast, "SQ-A")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("auditor", 200),
        ("reviewer", 200),
        ("office_a", 200),
        ("office_b", 200),
        ("operator_a", 200),
        ("operator_b", 200),
        ("enterprise_a", 403),
        ("stranger", 403),
    ],
)
def test_who_may_open_the_board(persona: str, status: int, cast: Cast, case_a: ProcessInstance) -> None:
    assert client_for(getattr(cast, persona)).get(reverse("board")).status_code == status


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(reverse("board"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("operator_a", True),
        ("office_a", True),
        ("reviewer", True),
        ("admin", True),
        ("auditor", True),
        ("operator_b", False),
        ("office_b", False),
    ],
)
def test_cases_are_scoped_to_the_area(persona: str, sees: bool, cast: Cast, case_a: ProcessInstance) -> None:
    start(cast, "SQ-B", unit=OPERATOR_B, actor=cast.operator_b)
    shown = cards(board(client_for(getattr(cast, persona))))
    assert ("SQ-A" in shown) is sees
    assert ("SQ-B" in shown) is (persona not in {"operator_a", "office_a"})


def test_district_roles_narrow_by_org_unit(cast: Cast, case_a: ProcessInstance) -> None:
    start(cast, "SQ-B", unit=OPERATOR_B, actor=cast.operator_b)
    client = client_for(cast.reviewer)
    assert set(cards(board(client, org_unit=AREA_A))) == {"SQ-A"}, "an office filter includes units below it"
    assert set(cards(board(client, org_unit=OPERATOR_B))) == {"SQ-B"}
    assert set(cards(board(client))) == {"SQ-A", "SQ-B"}
    # Someone with a narrow scope cannot widen it through the filter.
    response = client_for(cast.operator_a).get(reverse("board"), {"org_unit": AREA_B})
    assert set(cards(list(response.context["columns"]))) == {"SQ-A"}
    assert "org_unit" in response.context["filters"].errors


def test_columns_follow_the_process(cast: Cast, case_a: ProcessInstance, deploy_fixture: Deploy) -> None:
    moved = start(cast, "SQ-2")
    submit(moved, cast)
    deploy_fixture("service_step")
    broken = instances.start_instance(
        "service_step", actor=cast.office_a, org_unit_code=AREA_A, business_key="ERR"
    )
    human_tasks.complete(open_task(broken).pk, actor=cast.office_a, data={"label": "bad", "fail": True})
    columns = board(client_for(cast.office_a))
    keys = [c.key for c in columns]
    assert column_of(columns, "SQ-A") == "stage:提交申请"
    assert column_of(columns, "SQ-2") == "stage:市场监管所审核"
    assert column_of(columns, "ERR") == "status:error"
    assert keys.index("stage:提交申请") < keys.index("stage:市场监管所审核") < keys.index("status:error")
    error_card = cards(columns)["ERR"]
    assert error_card.task is None and error_card.work_url == ""
    # Staff are told where it stopped, in the diagram's words, not the raw exception.
    assert error_card.error_step == "登记"
    html = client_for(cast.office_a).get(reverse("board")).content.decode()
    assert "HandlerBoom" not in html and "登记" in html and 'data-testid="card-error"' in html


def test_stage_order_follows_sequence_flows_not_file_order() -> None:
    files = {
        "p.bpmn": """<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:userTask id="last" /><bpmn:userTask id="second" /><bpmn:userTask id="first" />
    <bpmn:startEvent id="s" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="first" />
    <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="second" />
    <bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="last" />
  </bpmn:process>
</bpmn:definitions>"""
    }
    order = stages.order_of_diagram(files)
    assert order["first"] < order["second"] < order["last"]


def test_card_shows_due_date_assignee_and_work_link(cast: Cast, case_a: ProcessInstance) -> None:
    task = open_task(case_a)
    card = cards(board(client_for(cast.operator_a)))["SQ-A"]
    assert card.task == task and card.work_url == reverse("task-detail-page", args=[task.pk])
    html = client_for(cast.operator_a).get(reverse("board")).content.decode()
    assert task.due_at is not None and task.due_at.astimezone().strftime("%Y-%m-%d") in html
    assert "Unassigned" in html
    human_tasks.claim(task.pk, actor=cast.operator_a)
    html = client_for(cast.operator_a).get(reverse("board")).content.decode()
    assert "operator_a" in html and "Unassigned" not in html
    # The office sees the case but the submit step is the operator's: no "work on it".
    assert cards(board(client_for(cast.office_a)))["SQ-A"].work_url == ""
    assert cards(board(client_for(cast.auditor)))["SQ-A"].work_url == ""


def offers(user: Any) -> list[str]:
    return [offer.spec.name for offer in cards(board(client_for(user)))["SQ-A"].offers]


def test_actions_offered_by_permission_and_status(cast: Cast, case_a: ProcessInstance) -> None:
    assert offers(cast.operator_a) == ["suspend", "terminate"]
    assert offers(cast.office_a) == ["suspend", "terminate"]
    assert offers(cast.admin) == ["suspend", "terminate"]
    assert offers(cast.reviewer) == [], "district reviewers follow cases but do not operate them"
    assert offers(cast.auditor) == [], "the auditor's board is read-only"
    html = client_for(cast.auditor).get(reverse("board")).content.decode()
    assert 'data-testid="read-only"' in html and "board-action" not in html
    instances.suspend(case_a.pk, actor=cast.operator_a, reason="材料待补正")
    assert offers(cast.operator_a) == ["resume", "terminate"]
    assert cards(board(client_for(cast.operator_a)))["SQ-A"].work_url == "", "no work on a suspended case"


def snapshot(case: ProcessInstance) -> tuple[Any, ...]:
    case.refresh_from_db()
    return case.status, case.row_version, AuditEvent.objects.filter(instance_id=case.pk).count()


def test_suspend_needs_a_reason(cast: Cast, case_a: ProcessInstance) -> None:
    before = snapshot(case_a)
    response = client_for(cast.operator_a).post(action_url(case_a, "suspend"), {"reason": ""})
    assert response.status_code == 400
    card = cards(list(response.context["columns"]))["SQ-A"]
    assert card.error is not None and card.error.action == "suspend" and "reason" in card.error.fields
    html = response.content.decode()
    assert 'data-testid="reason-error"' in html and '<details class="card-action" open>' in html
    assert snapshot(case_a) == before


def test_suspend_resume_cancel_from_the_board(cast: Cast, case_a: ProcessInstance) -> None:
    client = client_for(cast.operator_a)
    response = client.post(action_url(case_a, "suspend") + "?q=SQ", {"reason": "材料待补正"})
    assert response.status_code == 302 and response["Location"] == reverse("board") + "?q=SQ"
    case_a.refresh_from_db()
    assert case_a.status == InstanceStatus.SUSPENDED
    columns = board(client)
    assert column_of(columns, "SQ-A") == "stage:提交申请", "a suspended case keeps its stage"
    assert client.post(action_url(case_a, "resume"), {"reason": "已补正"}).status_code == 302
    assert client.post(action_url(case_a, "terminate"), {"reason": "企业撤回"}).status_code == 302
    case_a.refresh_from_db()
    assert case_a.status == InstanceStatus.TERMINATED
    assert "SQ-A" not in cards(board(client)), "an ended case leaves the board"
    reasons = list(
        AuditEvent.objects.filter(instance_id=case_a.pk, reason__gt="")
        .order_by("id")
        .values_list("reason", "actor")
    )
    assert reasons == [(r, cast.operator_a.pk) for r in ("材料待补正", "已补正", "企业撤回")]


def test_status_conflicts_are_shown_on_the_card(cast: Cast, case_a: ProcessInstance) -> None:
    response = client_for(cast.operator_a).post(action_url(case_a, "resume"), {"reason": "x"})
    assert response.status_code == 409
    assert "Only a suspended instance can be resumed." in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("reviewer", 403), ("auditor", 403), ("operator_b", 404), ("office_b", 404), ("enterprise_a", 403)],
)
def test_forged_actions_are_refused(persona: str, status: int, cast: Cast, case_a: ProcessInstance) -> None:
    before = snapshot(case_a)
    response = client_for(getattr(cast, persona)).post(action_url(case_a, "suspend"), {"reason": "试试"})
    assert response.status_code == status
    assert snapshot(case_a) == before


def test_retry_and_unknown_actions_are_not_board_actions(cast: Cast, case_a: ProcessInstance) -> None:
    client = client_for(cast.admin)
    assert client.post(action_url(case_a, "retry"), {"reason": "x"}).status_code == 404
    assert client.get(action_url(case_a, "suspend")).status_code == 405


@pytest.mark.parametrize("persona", ["operator_a", "office_a", "admin"])
def test_rule_operate_instance(persona: str, cast: Cast, case_a: ProcessInstance) -> None:
    other = start(cast, "SQ-B", unit=OPERATOR_B, actor=cast.operator_b)
    user = getattr(cast, persona)
    assert user.has_perm("workflows.operate_instance", case_a)
    assert user.has_perm("workflows.operate_instance", other) is (persona == "admin")


@pytest.mark.parametrize(
    "persona", ["operator_b", "office_b", "reviewer", "auditor", "enterprise_a", "stranger"]
)
def test_rule_operate_instance_refused(persona: str, cast: Cast, case_a: ProcessInstance) -> None:
    assert not getattr(cast, persona).has_perm("workflows.operate_instance", case_a)


def test_operating_area_ignores_non_operating_memberships(cast: Cast, case_a: ProcessInstance) -> None:
    # An operator elsewhere who is also an enterprise user under office A: the enterprise
    # membership lets them see office A's enterprise, but never operate cases there.
    both = make_user(username="both")
    make_membership(user=both, org_unit=OrgUnit.objects.get(code=OPERATOR_B), role="operator")
    make_membership(user=both, org_unit=OrgUnit.objects.get(code=ENTERPRISE_A), role="enterprise")
    at_enterprise = start(cast, "SQ-E", unit=ENTERPRISE_A, actor=cast.office_a)
    at_operator_b = start(cast, "SQ-B", unit=OPERATOR_B, actor=cast.operator_b)
    assert both.has_perm("workflows.operate_instance", at_operator_b)
    assert not both.has_perm("workflows.operate_instance", at_enterprise)
    assert not both.has_perm("workflows.operate_instance", case_a)


def count_queries(client: Client) -> int:
    client.get(reverse("board"))  # warm the per-process caches other parts of the page keep
    stages._orders.clear()  # but start the stage order cold, so both measurements pay for it
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("board")).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona", ["operator_a", "office_a", "admin"])
def test_board_queries_do_not_grow_with_cases(
    persona: str,
    cast: Cast,
    case_a: ProcessInstance,
    deploy_fixture: Deploy,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(getattr(cast, persona))
    few = count_queries(client)
    for n in range(6):
        case = start(cast, f"SQ-{n}")
        if n % 2:
            submit(case, cast)
        if n == 4:
            human_tasks.claim(open_task(case).pk, actor=cast.operator_a)
        if n == 5:
            instances.suspend(case.pk, actor=cast.admin, reason="暂停")
    deploy_fixture("service_step")
    broken = instances.start_instance(
        "service_step", actor=cast.office_a, org_unit_code=AREA_A, business_key="E"
    )
    human_tasks.complete(open_task(broken).pk, actor=cast.office_a, data={"label": "bad", "fail": True})
    many = count_queries(client)
    assert many == few, (few, many)
    stages._orders.clear()
    # The whole page: about ten for the board itself plus the frame (session, user, Django's own
    # permission sets, the header's counts); headroom for a per-process cache that has expired.
    with django_assert_max_num_queries(24):
        columns = board(client)
    # The failed case belongs to the office itself, above the operator's area.
    assert sum(len(column.cards) for column in columns) == (7 if persona == "operator_a" else 8)
