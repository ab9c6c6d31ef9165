"""The task page: who sees it, the form round trip, instructions, the case's context and the diagram."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from casemgmt.inbox.instructions import render_instructions
from tests.conftest import BPMN_DIR
from tests.personas import Cast
from workflows import human_tasks, instances
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

Deploy = Callable[[str], ProcessModelVersion]
GOOD = {"f.title": "计量检定申请", "f.amount": "12.5"}


def client_for(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = language
    return client


def start(cast: Cast, **data: Any) -> ProcessInstance:
    return instances.start_instance(
        "approval",
        actor=cast.operator_a,
        org_unit_code="operator-fs",
        business_key="QI-2024-0001",
        subject="某企业计量检定",
        data=data,
    )


def open_task(instance: ProcessInstance, spec: str) -> HumanTask:
    return HumanTask.objects.get(instance=instance, task_spec=spec, status=HumanTask.Status.OPEN)


def url(task: HumanTask) -> str:
    return reverse("task-detail-page", args=[task.pk])


def diagram_payload(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="task-diagram-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "diagram data missing"
    return json.loads(found.group(1))


@pytest.fixture
def case(cast: Cast, deploy_fixture: Deploy) -> ProcessInstance:
    deploy_fixture("approval")
    return start(cast, requester="张三")


# --- who sees what ----------------------------------------------------------------------------


def test_candidate_sees_instructions_form_context_timeline_and_diagram(
    cast: Cast, case: ProcessInstance
) -> None:
    task = open_task(case, "submit")
    response = client_for(cast.operator_a).get(url(task))
    assert response.status_code == 200
    html = response.content.decode()
    assert "提交申请" in html
    assert "请填写申请事项。" in html  # the diagram's instructionsForEndUser
    assert 'name="f.title"' in html and 'name="f.amount"' in html and 'type="number"' in html
    assert 'data-testid="complete"' in html and 'data-testid="claim"' in html
    assert 'data-testid="read-only"' not in html
    # case context
    for text in ("QI-2024-0001", "某企业计量检定", "Four-step approval", "方松驿站", "operator_a"):
        assert text in html
    # timeline from the audit events, with their action labels
    timeline = html[html.index('data-testid="timeline"') :]
    assert "Process instance started" in timeline and "Task created" in timeline
    payload = diagram_payload(html)
    assert payload["current"] == ["submit"] and payload["task"] == "submit"
    assert 'id="submit"' in payload["xml"] and payload["file"] == "approval.bpmn"
    assert payload["has_layout"] is False  # this fixture has no DI: a note instead of the viewer
    assert 'data-testid="diagram-note"' in html


@pytest.mark.parametrize("who", ["office_b", "operator_b", "stranger"])
def test_other_areas_get_404(cast: Cast, case: ProcessInstance, who: str) -> None:
    task = open_task(case, "submit")
    client = client_for(getattr(cast, who))
    assert client.get(url(task)).status_code == 404
    assert client.post(url(task), GOOD).status_code == 404
    assert client.post(reverse("task-claim-page", args=[task.pk])).status_code == 404
    assert HumanTask.objects.get(pk=task.pk).status == HumanTask.Status.OPEN


def test_missing_task_is_404_and_anonymous_is_sent_to_login(cast: Cast, case: ProcessInstance) -> None:
    assert client_for(cast.admin).get(reverse("task-detail-page", args=[999999])).status_code == 404
    response = Client().get(url(open_task(case, "submit")))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["auditor", "office_a"])
def test_viewers_who_cannot_work_see_it_read_only(cast: Cast, case: ProcessInstance, who: str) -> None:
    task = open_task(case, "submit")
    client = client_for(getattr(cast, who))
    html = client.get(url(task)).content.decode()
    assert 'data-testid="read-only"' in html
    assert "<fieldset disabled>" in html
    assert 'data-testid="complete"' not in html and 'data-testid="claim"' not in html
    before = AuditEvent.objects.count()
    response = client.post(url(task), GOOD)
    assert response.status_code == 403
    assert HumanTask.objects.get(pk=task.pk).status == HumanTask.Status.OPEN
    assert AuditEvent.objects.count() == before


# --- submitting -------------------------------------------------------------------------------


def test_unparseable_input_is_400_with_inline_errors_and_input_kept(
    cast: Cast, case: ProcessInstance
) -> None:
    task = open_task(case, "submit")
    client = client_for(cast.operator_a)  # signing in is itself an audit event: count after it
    events, version = AuditEvent.objects.count(), case.row_version
    response = client.post(url(task), {"f.title": "", "f.amount": "twelve"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'data-testid="error-amount">Enter a number\.<', html)
    assert 'data-testid="error-title"' in html  # the schema's "required", reported in the same round
    assert 'value="twelve"' in html
    assert 'aria-invalid="true"' in html
    assert HumanTask.objects.get(pk=task.pk).status == HumanTask.Status.OPEN
    assert AuditEvent.objects.count() == events
    case.refresh_from_db()
    assert case.row_version == version


def test_schema_violations_are_400_with_messages_next_to_inputs(cast: Cast, case: ProcessInstance) -> None:
    task = open_task(case, "submit")
    client = client_for(cast.operator_a)  # signing in is itself an audit event: count after it
    events = AuditEvent.objects.count()
    response = client.post(url(task), {"f.title": "x", "f.amount": "-1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'data-testid="error-title">[^<]*too short', html)
    assert re.search(r'data-testid="error-amount">[^<]*less than the minimum', html)
    assert 'value="x"' in html and 'value="-1"' in html
    assert HumanTask.objects.get(pk=task.pk).status == HumanTask.Status.OPEN
    assert AuditEvent.objects.count() == events


def test_errors_in_chinese_by_default(cast: Cast, case: ProcessInstance) -> None:
    task = open_task(case, "submit")
    response = client_for(cast.operator_a, "zh-hans").post(url(task), {"f.title": "x", "f.amount": "5"})
    assert response.status_code == 400
    assert re.search(r'data-testid="error-title">内容过短<', response.content.decode())


def test_correct_submit_completes_and_redirects_to_the_inbox(cast: Cast, case: ProcessInstance) -> None:
    task = open_task(case, "submit")
    client = client_for(cast.operator_a)
    response = client.post(url(task), GOOD)
    assert response.status_code == 302 and response["Location"] == reverse("inbox")
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    task.refresh_from_db()
    assert task.status == HumanTask.Status.COMPLETED and task.completed_by == cast.operator_a
    assert open_task(case, "office_review")  # the next step exists
    completed = AuditEvent.objects.get(action="task.completed", target_id=str(task.pk))
    assert (completed.after or {})["data"] == {"title": "计量检定申请", "amount": 12.5}

    # now read-only, with who and when, and what was submitted
    html = client.get(url(task)).content.decode()
    assert 'data-testid="closed-note"' in html and "Completed by operator_a" in html
    assert "计量检定申请" in html and "12.5" in html
    assert 'name="f.title"' not in html
    payload = diagram_payload(html)
    assert payload["current"] == ["office_review"] and "submit" in payload["done"]
    again = client.post(url(task), GOOD)
    assert again.status_code == 409


def test_unchecked_checkbox_submits_false_and_rejects(cast: Cast, case: ProcessInstance) -> None:
    human_tasks.complete(
        open_task(case, "submit").pk, actor=cast.operator_a, data={"title": "申请", "amount": 1}
    )
    review = open_task(case, "office_review")
    client = client_for(cast.office_a)
    html = client.get(url(review)).content.decode()
    assert re.search(r'<input type="checkbox" id="field-0" name="f.approved" value="true"', html)
    assert '<textarea id="field-1" name="f.comment" rows="4" maxlength="500">' in html  # maxLength > 200
    response = client.post(url(review), {"f.comment": "材料不全"})
    assert response.status_code == 302
    completed = AuditEvent.objects.get(action="task.completed", target_id=str(review.pk))
    assert (completed.after or {})["data"] == {"approved": False, "comment": "材料不全"}
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED  # the default flow: rejected


def test_a_suspended_case_shows_why_the_form_is_closed(cast: Cast, case: ProcessInstance) -> None:
    instances.suspend(case.pk, actor=None, reason="核查中")
    html = client_for(cast.operator_a).get(url(open_task(case, "submit"))).content.decode()
    assert "its tasks cannot be worked on now" in html
    assert 'data-testid="complete"' not in html and 'data-testid="claim"' not in html
    assert "核查中" in html  # the reason shows in the timeline


def test_a_task_without_form_completes_with_no_data(cast: Cast, case: ProcessInstance) -> None:
    human_tasks.complete(
        open_task(case, "submit").pk, actor=cast.operator_a, data={"title": "申请", "amount": 1}
    )
    human_tasks.complete(open_task(case, "office_review").pk, actor=cast.office_a, data={"approved": True})
    human_tasks.complete(open_task(case, "district_review").pk, actor=cast.reviewer, data={"approved": True})
    archive = open_task(case, "archive")
    client = client_for(cast.operator_a)
    assert "This task has no form" in client.get(url(archive)).content.decode()
    assert client.post(url(archive), {}).status_code == 302
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED


def test_a_cancelled_task_is_read_only_without_values(cast: Cast, case: ProcessInstance) -> None:
    task = open_task(case, "submit")
    instances.terminate(case.pk, actor=None, reason="重复申请")
    html = client_for(cast.operator_a).get(url(task)).content.decode()
    assert "Cancelled at" in html and 'name="f.title"' not in html
    assert re.search(r"<dt>事项</dt><dd>—</dd>", html)


# --- claiming ---------------------------------------------------------------------------------


def test_claim_button_claims(cast: Cast, case: ProcessInstance) -> None:
    task = open_task(case, "submit")
    response = client_for(cast.operator_a).post(reverse("task-claim-page", args=[task.pk]))
    assert response.status_code == 302 and response["Location"] == url(task)
    task.refresh_from_db()
    assert task.assignee == cast.operator_a
    html = client_for(cast.operator_a).get(url(task)).content.decode()
    assert 'data-testid="claim"' not in html and 'data-testid="complete"' in html


def test_auditor_cannot_claim(cast: Cast, case: ProcessInstance) -> None:
    task = open_task(case, "submit")
    response = client_for(cast.auditor).post(reverse("task-claim-page", args=[task.pk]))
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.assignee is None


# --- instructions -----------------------------------------------------------------------------


def test_instructions_substitute_case_data_and_escape_everything(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("approval")
    case = start(cast, requester='"><img src=x onerror=alert(1)>', company={"name": "松江<计量>"})
    task = open_task(case, "submit")
    HumanTask.objects.filter(pk=task.pk).update(
        instructions="<script>alert(1)</script>\n申请人：{{ requester }}，企业：{{ company.name }}{{ nope }}"
    )
    html = client_for(cast.operator_a).get(url(task)).content.decode()
    block = html[html.index('data-testid="instructions"') : html.index('data-testid="task-form-card"')]
    assert "<script>" not in block and "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in block
    assert "申请人：&quot;&gt;&lt;img src=x onerror=alert(1)&gt;，企业：松江&lt;计量&gt;</p>" in block


def test_render_instructions_unit() -> None:
    data = {"name": "张三", "n": 3, "ok": True, "org": {"unit": {"code": "fs"}}, "items": ["a", "b"]}
    assert render_instructions("你好 {{ name }}，共{{n}}件", data) == "<p>你好 张三，共3件</p>"
    assert render_instructions("{{ org.unit.code }}/{{ items.1 }}/{{ items }}", data) == "<p>fs/b/a、b</p>"
    assert render_instructions("[{{ missing }}][{{ org.none.x }}][{{ name.x }}]", data) == "<p>[][][]</p>"
    assert render_instructions("一\n二\n\n三", data) == "<p>一<br>二</p>\n<p>三</p>"
    assert render_instructions("", data) == "" and render_instructions("  \n ", None) == ""
    # Only the tiny language: template tags and filters stay literal text; dotted names only ever
    # look up keys, so `__class__` finds nothing instead of reaching an attribute.
    literal = render_instructions(
        "{% load x %}{{ name|safe }}{{ name.__class__ }}{{ _x }}", {"_x": "y", **data}
    )
    assert literal == "<p>{% load x %}{{ name|safe }}y</p>"


def test_render_instructions_escapes_text_and_values() -> None:
    evil = {"v": '" onmouseover="alert(1)', "s": "<script>alert(1)</script>"}
    out = render_instructions("<a href='{{ v }}'>x</a> {{ s }} & <b>", evil)
    assert "<a" not in out and "<script" not in out and "<b>" not in out
    assert "&lt;a href=&#x27;&quot; onmouseover=&quot;alert(1)&#x27;&gt;x&lt;/a&gt;" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in out


# --- the diagram ------------------------------------------------------------------------------


def with_layout(text: str) -> str:
    """The approval fixture plus a minimal BPMN DI section, so that bpmn-js could draw it."""
    ids = re.findall(r'<bpmn:(?:userTask|startEvent|endEvent|exclusiveGateway) id="([^"]+)"', text)
    shapes = "".join(
        f'<bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}"><dc:Bounds x="{100 + n * 150}" y="100" '
        'width="100" height="80" /></bpmndi:BPMNShape>'
        for n, i in enumerate(ids)
    )
    di = (
        '<bpmndi:BPMNDiagram id="d" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"><bpmndi:BPMNPlane id="p" '
        f'bpmnElement="approval">{shapes}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>'
    )
    return text.replace("</bpmn:definitions>", di + "</bpmn:definitions>")


def test_a_drawable_diagram_loads_the_viewer(cast: Cast, db: None) -> None:
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    files["approval.bpmn"] = with_layout(files["approval.bpmn"])
    deploy(files, actor=None, model_key="approval")
    case = start(cast)
    html = client_for(cast.operator_a).get(url(open_task(case, "submit"))).content.decode()
    payload = diagram_payload(html)
    assert payload["has_layout"] is True and payload["current"] == ["submit"]
    assert "BPMNShape" in payload["xml"]
    for asset in (
        "vendor/bpmn-js/bpmn-navigated-viewer.production.min.js",
        "js/diagram.js",
        "vendor/bpmn-js/assets/diagram-js.css",
        "vendor/bpmn-js/assets/bpmn-js.css",
        "vendor/bpmn-js/assets/bpmn-font/css/bpmn.css",  # font files, not data: URIs (CSP font-src)
    ):
        assert asset in html
    assert 'id="task-diagram"' in html and "data-unavailable=" in html


# --- cost -------------------------------------------------------------------------------------


def test_queries_are_bounded_and_do_not_grow_with_history(
    cast: Cast, case: ProcessInstance, django_assert_max_num_queries: Any
) -> None:
    task = open_task(case, "submit")
    # office_a sees the task through its area, not its groups: the longest permission path.
    client = client_for(cast.office_a)
    client.get(url(task))  # warm the spec cache
    with CaptureQueriesContext(connection) as first:
        assert client.get(url(task)).status_code == 200
    for _ in range(5):  # more history: every claim and release is an audit event
        human_tasks.claim(task.pk, actor=cast.operator_a)
        human_tasks.unclaim(task.pk, actor=cast.operator_a)
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(url(task)).content.decode()
    # Each claim in the timeline and under its step in the approval record.
    assert html.count("Task claimed") == 10 and html.count('data-action="task.claimed"') == 5
    # session, user, task, memberships, area (3), events, task rows, org unit, header (2),
    # model permissions for the nav (2), session save (3), the approval record's steps and
    # operations (2)
    assert len(first.captured_queries) <= 19
