"""The audit review in words (issue 18): people by name, units by name in the reader's language,
roles by label and changes by the form's own field titles; the codes stay in the tooltips and in
the exports, and naming a page costs the same few queries however many rows it has."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import record
from casemgmt.models import OrgUnit
from tests.approvals.support import approval_files, open_task
from tests.personas import AREA_A, OPERATOR_A, Cast
from tests.web.inbox_support import client_for
from workflows import human_tasks, instances
from workflows.deploy import deploy
from workflows.models import HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db

RATING = {
    "type": "string",
    "title": "满意度",
    "x-title-en": "Satisfaction",
    "oneOf": [
        {"const": "5", "title": "非常满意", "x-title-en": "Very satisfied"},
        {"const": "4", "title": "满意", "x-title-en": "Satisfied"},
    ],
}


def visible_text(html: str) -> str:
    """What a reader sees: the text between tags, without attributes (tooltips) or scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return unescape(" ".join(re.findall(r">([^<]*)<", html)))


@pytest.fixture
def named(cast: Cast) -> Cast:
    cast.operator_a.first_name = "王小明"
    cast.operator_a.save(update_fields=["first_name"])
    OrgUnit.objects.filter(code=OPERATOR_A).update(name_en="Fangsong Station")
    return cast


def start_rated_case(cast: Cast) -> tuple[ProcessInstance, HumanTask]:
    """The approval diagram with a coded field (满意度) on its submit form; the submit is done."""
    files = approval_files()
    form = json.loads(files["submit.json"])
    form["properties"]["rating"] = RATING
    files["submit.json"] = json.dumps(form, ensure_ascii=False)
    deploy(files, actor=None, model_key="approval")
    case = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-W-1", org_unit_code=OPERATOR_A
    )
    submit = open_task(case)
    human_tasks.complete(submit.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3, "rating": "4"})
    return case, submit


def completed_event(task: HumanTask) -> AuditEvent:
    return AuditEvent.objects.get(action=Action.TASK_COMPLETED, target_type="task", target_id=str(task.pk))


def test_the_review_names_the_person_their_role_and_their_unit(named: Cast) -> None:
    start_rated_case(named)
    zh = client_for(named.auditor, "zh-hans").get(reverse("audit-review")).content.decode()
    assert '<span data-testid="actor-name" title="operator_a">王小明</span>' in zh
    assert '<span data-testid="actor-role" title="operator">运营机构人员</span>' in zh
    assert f'<span data-testid="actor-unit" title="{OPERATOR_A}">方松驿站</span>' in zh
    en = client_for(named.auditor, "en").get(reverse("audit-review")).content.decode()
    assert '<span data-testid="actor-role" title="operator">Operating organization staff</span>' in en
    assert f'<span data-testid="actor-unit" title="{OPERATOR_A}">Fangsong Station</span>' in en
    # The codes are tooltips only: never in the text a reader sees.
    for html in (zh, en):
        text = visible_text(html)
        for code in ("operator_a", OPERATOR_A, "task.completed", "instance.started"):
            assert code not in text, code
        assert re.search(r"\boperator\b", text) is None


def test_a_person_without_a_full_name_is_named_by_their_user_name(cast: Cast) -> None:
    with transaction.atomic():
        record(Action.TASK_CLAIMED, actor=cast.office_a, actor_role="office_staff", actor_org_unit=AREA_A,
               target_type="task", target_id="1")  # fmt: skip
    html = client_for(cast.auditor, "zh-hans").get(reverse("audit-review")).content.decode()
    assert '<span data-testid="actor-name" title="office_a">office_a</span>' in html
    assert f'<span data-testid="actor-unit" title="{AREA_A}">方松市场监管所</span>' in html
    assert '<span data-testid="actor-role" title="office_staff">市场监管所</span>' in html


def test_a_completed_task_shows_its_form_titles_and_coded_values_in_words(named: Cast) -> None:
    _, submit = start_rated_case(named)
    event = completed_event(submit)
    url = reverse("audit-event", args=[event.pk])
    zh = client_for(named.auditor, "zh-hans").get(url).content.decode()
    rows = dict(re.findall(r'data-path="([^"]*)" data-kind="(\w+)"', zh))
    assert rows == {
        "task_spec": "added",
        "data.title": "added",
        "data.amount": "added",
        "data.rating": "added",
    }
    assert '<span class="diff-field" title="data.rating">满意度</span>' in zh
    assert '<span title="&quot;4&quot;">满意</span>' in zh  # the code's title; its JSON in the tooltip
    assert '<span class="diff-field" title="data.amount">金额</span>' in zh
    assert '<span class="diff-field" title="task_spec">环节</span>' in zh
    assert '<span title="&quot;submit&quot;">提交申请</span>' in zh  # the step by its diagram name
    en = client_for(named.auditor, "en").get(url).content.decode()
    assert '<span class="diff-field" title="data.rating">Satisfaction</span>' in en
    assert '<span title="&quot;4&quot;">Satisfied</span>' in en
    assert '<span data-testid="actor-name" title="operator_a">王小明</span>' in en
    for html in (zh, en):
        text = visible_text(html.split('<div class="audit-raw">')[0])  # the raw JSON is for experts
        assert "data.rating" not in text and "task_spec" not in text and "operator_a" not in text


def test_the_case_timeline_speaks_the_same_words(named: Cast) -> None:
    start_rated_case(named)
    html = client_for(named.auditor, "zh-hans").get(reverse("audit-case-timeline", args=["SQ-W-1"]))
    page = html.content.decode()
    assert '<span class="diff-field" title="data.rating">满意度</span>' in page
    assert '<span title="&quot;4&quot;">满意</span>' in page
    assert '<span data-testid="actor-unit" title="operator-fs">方松驿站</span>' in page


def test_a_failed_instance_names_the_step_it_stopped_at(
    cast: Cast, deploy_fixture: Callable[[str], Any]
) -> None:
    deploy_fixture("service_step")
    case = instances.start_instance("service_step", actor=cast.office_a, org_unit_code=AREA_A)
    human_tasks.complete(
        case.human_tasks.get(status="open").pk, actor=cast.office_a, data={"label": "bad", "fail": True}
    )
    event = AuditEvent.objects.get(action=Action.INSTANCE_ERROR, instance_id=case.pk)
    html = client_for(cast.auditor, "zh-hans").get(reverse("audit-event", args=[event.pk])).content.decode()
    assert '<span class="diff-field" title="task_spec">环节</span>' in html
    assert '<span title="&quot;record&quot;">登记</span>' in html
    assert '<span class="diff-field" title="error">出错</span>' in html


def test_model_fields_are_labelled_by_their_verbose_name_and_unknown_keys_stay_keys(cast: Cast) -> None:
    with transaction.atomic():
        event = record(
            Action.REGISTRY_CHANGED,
            actor=cast.office_a,
            target_type="enterprise",
            target_id="7",
            before={"size_class": "small"},
            after={"size_class": "micro", "name": "示例", "x_odd": 1},
        )
    html = client_for(cast.auditor, "en").get(reverse("audit-event", args=[event.pk])).content.decode()
    assert '<span class="diff-field" title="size_class">size class</span>' in html
    assert (
        '<span title="&quot;small&quot;">Small</span>' in html
        and '<span title="&quot;micro&quot;">Micro</span>' in html
    )
    assert '<span class="diff-field" title="name">enterprise name</span>' in html
    assert '<span class="diff-field" title="x_odd">x_odd</span>' in html


def test_the_export_keeps_the_raw_codes(named: Cast) -> None:
    _, submit = start_rated_case(named)
    event = completed_event(submit)
    response: Any = client_for(named.auditor, "en").get(
        reverse("audit-export-csv"), {"action": "task.completed"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body, newline="")))
    row = dict(zip(header, next(r for r in rows if r[0] == str(event.pk)), strict=True))
    assert (row["Actor"], row["Role"], row["Org unit"]) == ("operator_a", "operator", OPERATOR_A)
    assert json.loads(row["After (JSON)"])["data"]["rating"] == "4"


def _events(cast: Cast, task: HumanTask, count: int) -> None:
    people = [
        (cast.operator_a, "operator", OPERATOR_A),
        (cast.office_a, "office_staff", AREA_A),
        (cast.office_b, "office_staff", "office-yueyang"),
        (cast.admin, "process_admin", "district"),
        (None, "", ""),
    ]
    with transaction.atomic():
        for n in range(count):
            actor, role, unit = people[n % len(people)]
            record(
                Action.TASK_COMPLETED,
                actor=actor,
                actor_role=role,
                actor_org_unit=unit,
                target_type="task",
                target_id=str(task.pk),
                business_key="SQ-Q-1",
                instance_id=task.instance_id,
                after={"task_spec": "submit", "data": {"rating": "5", "amount": n}},
            )


@pytest.mark.parametrize("page", ["audit-review", "audit-case-timeline"])
def test_naming_a_page_does_not_cost_a_query_per_row(
    named: Cast, page: str, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    _, submit = start_rated_case(named)
    client = client_for(named.auditor, "zh-hans")
    url = reverse(page) if page == "audit-review" else reverse(page, args=["SQ-Q-1"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _events(named, submit, 5)
    count()  # warm up: per-user and per-version caches fill on the first request
    few = count()
    _events(named, submit, 45)
    with django_assert_max_num_queries(few):
        html = client.get(url).content.decode()
    assert html.count('data-testid="actor-name"') >= 40
