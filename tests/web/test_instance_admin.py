"""Instance administration pages: who may open them, filters and paging, errors, and the actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.handlers import record_handler
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows import human_tasks, instances, registry
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion
from workflows.web import views

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]


def client_for(user: Any, language: str = "en") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = language
    return client


def start(cast: Cast, key: str, subject: str = "计量校准申请", unit: str = OPERATOR_A) -> ProcessInstance:
    return instances.start_instance(
        "approval", actor=cast.operator_a, org_unit_code=unit, business_key=key, subject=subject
    )


def failing_case(cast: Cast, deploy_fixture: Deploy) -> ProcessInstance:
    deploy_fixture("service_step")
    case = instances.start_instance(
        "service_step", actor=cast.office_a, org_unit_code=AREA_A, business_key="ERR-1", subject="登记失败"
    )
    task = case.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=cast.office_a, data={"label": "bad", "fail": True})
    case.refresh_from_db()
    assert case.status == InstanceStatus.ERROR
    return case


def listed(response: Any) -> list[int]:
    return [row.pk for row in response.context["page"].object_list]


def detail_url(case: ProcessInstance) -> str:
    return reverse("instance-admin-detail", args=[case.pk])


def action_url(case: ProcessInstance, action: str) -> str:
    return reverse("instance-admin-action", args=[case.pk, action])


@pytest.fixture
def cases(cast: Cast, deploy_fixture: Deploy) -> list[ProcessInstance]:
    deploy_fixture("approval")
    return [start(cast, "SQ-1"), start(cast, "SQ-2", subject="特种设备检验"), start(cast, "SQ-3")]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("auditor", 403),
        ("reviewer", 403),
        ("office_a", 403),
        ("operator_a", 403),
        ("enterprise_a", 403),
        ("stranger", 403),
    ],
)
def test_only_process_admins_open_the_pages(
    persona: str, status: int, cast: Cast, cases: list[ProcessInstance]
) -> None:
    client = client_for(getattr(cast, persona))
    assert client.get(reverse("instance-admin")).status_code == status
    assert client.get(detail_url(cases[0])).status_code == status
    response = client.post(action_url(cases[0], "suspend"), {"reason": "试试"})
    assert response.status_code == status if status == 403 else response.status_code == 302


def test_anonymous_is_sent_to_login(cases: list[ProcessInstance]) -> None:
    response = Client().get(reverse("instance-admin"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_filters(cast: Cast, cases: list[ProcessInstance], deploy_fixture: Deploy) -> None:
    broken = failing_case(cast, deploy_fixture)
    client = client_for(cast.admin)
    page = reverse("instance-admin")
    everything = listed(client.get(page))
    assert set(everything) == {c.pk for c in cases} | {broken.pk}
    assert listed(client.get(page, {"model": "service_step"})) == [broken.pk]
    assert set(listed(client.get(page, {"model": "approval", "version": "1"}))) == {c.pk for c in cases}
    assert listed(client.get(page, {"model": "approval", "version": "2"})) == []
    assert listed(client.get(page, {"status": "error"})) == [broken.pk]
    assert listed(client.get(page, {"q": "特种"})) == [cases[1].pk]
    assert listed(client.get(page, {"q": "sq-3"})) == [cases[2].pk]
    assert listed(client.get(page, {"org_unit": AREA_A})) == [broken.pk]
    today = timezone.localdate()
    assert (
        len(listed(client.get(page, {"started_from": today.isoformat(), "started_to": today.isoformat()})))
        == 4
    )
    assert listed(client.get(page, {"started_from": (today + timedelta(days=1)).isoformat()})) == []
    assert listed(client.get(page, {"started_to": (today - timedelta(days=1)).isoformat()})) == []


def test_status_counts_ignore_the_status_filter(
    cast: Cast, cases: list[ProcessInstance], deploy_fixture: Deploy
) -> None:
    failing_case(cast, deploy_fixture)
    response = client_for(cast.admin).get(reverse("instance-admin"), {"status": "error"})
    counts = {value: n for value, _, n in response.context["status_counts"]}
    assert counts["running"] == 3 and counts["error"] == 1 and response.context["total_all"] == 4


def test_bad_filters_are_field_errors_not_crashes(cast: Cast, cases: list[ProcessInstance]) -> None:
    response = client_for(cast.admin).get(
        reverse("instance-admin"), {"version": "x", "status": "sleeping", "started_from": "31/12/2024"}
    )
    assert response.status_code == 400
    assert set(response.context["filters"].errors) == {"version", "status", "started_from"}
    assert "Enter a date as YYYY-MM-DD." in response.content.decode()


def test_paging_with_counts(
    cast: Cast, cases: list[ProcessInstance], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for(cast.admin)
    first = client.get(reverse("instance-admin"), {"model": "approval"})
    second = client.get(reverse("instance-admin"), {"model": "approval", "page": "2"})
    assert listed(first) == [cases[2].pk, cases[1].pk] and listed(second) == [cases[0].pk]
    html = first.content.decode()
    assert "1–2 of 3" in html and "Page 1 of 2" in html
    assert "model=approval&amp;page=2" in html, "paging keeps the filters"


def test_error_shows_message_and_failing_task(cast: Cast, deploy_fixture: Deploy) -> None:
    broken = failing_case(cast, deploy_fixture)
    client = client_for(cast.admin)
    listing = client.get(reverse("instance-admin")).content.decode()
    assert "handler refused bad" in listing and f'data-error-for="{broken.pk}"' in listing
    assert '<code data-testid="error-task">record</code>' in listing
    detail = client.get(detail_url(broken))
    html = detail.content.decode()
    assert "handler refused bad" in html and '<code data-testid="error-task">record</code>' in html
    assert [spec.name for spec in detail.context["offered"]] == ["retry", "suspend", "terminate"]
    # The timeline names people and steps in words, the codes as tooltips.
    assert 'data-testid="actor-name" title="office_a"' in html and 'title="record"' in html
    # The diagram marks the step it failed at.
    diagram = detail.context["diagram"]
    assert diagram["task"] == "record" and diagram["labels"]["task"] == "Failed here"


def test_retry_runs_the_failed_step_again(
    cast: Cast, deploy_fixture: Deploy, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = failing_case(cast, deploy_fixture)
    client = client_for(cast.admin)
    # Still failing: the page shows the instance in error again, nothing half-done.
    still = client.post(action_url(broken, "retry"), {"reason": ""}, follow=True)
    assert still.status_code == 200
    # Said as it is: not a green "retried", but that it failed again and where.
    told = [(m.level_tag, str(m)) for m in still.context["messages"]]
    assert told == [("warning", f"Instance #{broken.pk} was retried but failed again at step “record”.")]
    broken.refresh_from_db()
    assert broken.status == InstanceStatus.ERROR

    # The cause is fixed (the handler now succeeds): retry carries on to the next human step.
    monkeypatch.setitem(
        registry._registry.handlers,
        "test_record",
        lambda call: record_handler(
            registry.ServiceCall(call.instance, call.task_spec_id, {**call.params, "fail": False}, call.data)
        ),
    )
    response = client.post(action_url(broken, "retry"), {"reason": "已修复"})
    assert response.status_code == 302 and response["Location"] == detail_url(broken)
    broken.refresh_from_db()
    assert broken.status == InstanceStatus.RUNNING and broken.last_error == ""
    assert broken.human_tasks.get(status=HumanTask.Status.OPEN).task_spec == "confirm"
    event = AuditEvent.objects.filter(instance_id=broken.pk, action="instance.retried").last()
    assert event is not None and event.reason == "已修复"
    page = client.get(detail_url(broken))
    assert f"Instance #{broken.pk} was retried." in page.content.decode()
    assert "retry" not in [spec.name for spec in page.context["offered"]]


def snapshot(case: ProcessInstance) -> tuple[Any, ...]:
    case.refresh_from_db()
    return case.status, case.row_version, case.state, AuditEvent.objects.filter(instance_id=case.pk).count()


@pytest.mark.parametrize("action", ["suspend", "terminate"])
def test_reason_is_required_and_nothing_changes_without_it(
    action: str, cast: Cast, cases: list[ProcessInstance]
) -> None:
    case = cases[0]
    before = snapshot(case)
    response = client_for(cast.admin).post(action_url(case, action), {"reason": "  "})
    assert response.status_code == 400
    error = response.context["action_error"]
    assert error.action == action and "reason" in error.fields
    assert 'data-testid="reason-error"' in response.content.decode()
    assert snapshot(case) == before


def test_reason_error_is_in_chinese_by_default(cast: Cast, cases: list[ProcessInstance]) -> None:
    response = client_for(cast.admin, language="zh-hans").post(action_url(cases[0], "suspend"), {})
    assert response.status_code == 400 and "必填项未填写" in response.content.decode()


def test_htmx_errors_answer_200_so_the_form_is_swapped(cast: Cast, cases: list[ProcessInstance]) -> None:
    response = client_for(cast.admin).post(action_url(cases[0], "suspend"), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.context["action_error"].fields


def test_suspend_resume_terminate_are_offered_by_status(cast: Cast, cases: list[ProcessInstance]) -> None:
    case = cases[0]
    client = client_for(cast.admin)

    def offered() -> list[str]:
        return [spec.name for spec in client.get(detail_url(case)).context["offered"]]

    assert offered() == ["suspend", "terminate"]
    assert client.post(action_url(case, "suspend"), {"reason": "材料待补正"}).status_code == 302
    case.refresh_from_db()
    assert case.status == InstanceStatus.SUSPENDED
    assert offered() == ["resume", "terminate"]
    # Resuming a running instance is a conflict the page reports, not a crash.
    assert client.post(action_url(case, "resume"), {"reason": "已补正"}).status_code == 302
    conflict = client.post(action_url(case, "resume"), {"reason": "again"})
    assert (
        conflict.status_code == 409
        and "Only a suspended instance can be resumed." in conflict.content.decode()
    )
    assert client.post(action_url(case, "terminate"), {"reason": "企业撤回"}).status_code == 302
    case.refresh_from_db()
    assert case.status == InstanceStatus.TERMINATED
    assert offered() == []
    reasons = list(
        AuditEvent.objects.filter(instance_id=case.pk, reason__gt="")
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons == ["材料待补正", "已补正", "企业撤回"]


def test_detail_shows_tasks_and_timeline(cast: Cast, cases: list[ProcessInstance]) -> None:
    case = cases[0]
    response = client_for(cast.admin).get(detail_url(case))
    html = response.content.decode()
    assert "提交申请" in html and f"operator@{OPERATOR_A}" in html
    assert [event.action for event in response.context["events"]] == ["instance.started", "task.created"]


def test_unknown_action_or_instance_is_404(cast: Cast, cases: list[ProcessInstance]) -> None:
    client = client_for(cast.admin)
    assert client.post(action_url(cases[0], "explode"), {"reason": "x"}).status_code == 404
    assert client.get(reverse("instance-admin-detail", args=[999999])).status_code == 404
    assert (
        client.post(reverse("instance-admin-action", args=[999999, "suspend"]), {"reason": "x"}).status_code
        == 404
    )
    assert client.get(action_url(cases[0], "suspend")).status_code == 405
