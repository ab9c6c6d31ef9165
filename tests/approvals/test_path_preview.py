"""流程预测 (path preview): the next steps of an open task as the data entered so far would route
it, with who would get them; a condition that cannot be evaluated yet is reported, never a 500;
nothing is ever saved; only the task's holder may ask."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from casemgmt.org.lanes import DISTRICT_CODE
from core.errors import Conflict
from tests.approvals.support import open_task
from tests.personas import AREA_A, OPERATOR_A, Cast
from tests.web.inbox_support import client_for
from workflows import human_tasks, instances, path_preview
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent / "bpmn"
MODEL = "preview_routes"


@pytest.fixture
def instance(cast: Cast) -> ProcessInstance:
    """preview_routes started by operator_a: "submit" is open for operator@operator-fs."""
    deploy(bundle_for(HERE / f"{MODEL}.bpmn"), actor=None, model_key=MODEL)
    return instances.start_instance(
        MODEL, actor=cast.operator_a, business_key="SQ-9", subject="预测", org_unit_code=OPERATOR_A
    )


def ask(api: Callable[[Any], Any], user: Any, task: HumanTask, body: Any) -> Any:
    return api(user).post(reverse("task-preview", args=[task.pk]), body, format="json")


def steps(payload: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [
        (step["kind"], step["spec"], [c["group"] or c["user"] for c in step["candidates"]])
        for step in payload["steps"]
    ]


def saved(instance: ProcessInstance) -> tuple[object, ...]:
    instance.refresh_from_db()
    rows = list(instance.human_tasks.order_by("id").values_list("id", "status", "assignee_id"))
    return instance.state, instance.row_version, instance.status, rows, AuditEvent.objects.count()


def test_the_entered_amount_decides_where_the_case_goes(
    cast: Cast, instance: ProcessInstance, api: Callable[[Any], Any]
) -> None:
    submit = open_task(instance)
    big = ask(api, cast.operator_a, submit, {"data": {"title": "计量", "amount": 500}})
    assert big.status_code == 200, big.content
    assert steps(big.json()) == [("task", "district_check", [f"district_reviewer@{DISTRICT_CODE}"])]
    assert big.json()["uncertain"] is False and big.json()["notes"] == []
    candidate = big.json()["steps"][0]["candidates"][0]
    assert candidate["role"] == "district_reviewer" and candidate["org_unit_code"] == DISTRICT_CODE
    assert candidate["role_label"]
    small = ask(api, cast.operator_a, submit, {"data": {"amount": 5}})
    assert steps(small.json()) == [("task", "office_check", [f"office_staff@{AREA_A}"])]
    assert small.json()["steps"][0]["name"] == "所级核查"


def test_a_parallel_gateway_gives_both_branches(cast: Cast, instance: ProcessInstance) -> None:
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"amount": 5})
    check = open_task(instance)
    preview = path_preview.preview_task(check.pk, actor=cast.office_a, data={})
    assert [(s.kind, s.spec, [c.group for c in s.candidates]) for s in preview.steps] == [
        ("task", "review_a", [f"office_staff@{AREA_A}"]),
        ("task", "review_b", [f"district_reviewer@{DISTRICT_CODE}"]),
    ]
    assert not preview.uncertain
    # From one branch: the join waits for the other, then the process ends.
    human_tasks.complete(check.pk, actor=cast.office_a, data={})
    review_a = instance.human_tasks.get(task_spec="review_a", status=HumanTask.Status.OPEN)
    with translation.override("en"):
        after = path_preview.preview_task(review_a.pk, actor=cast.office_a, data={})
    assert [(s.kind, s.name) for s in after.steps] == [("end", "Process ends")]
    assert any("parallel" in note for note in after.notes)


def test_an_end_event_and_a_countersign_after_a_service_step(cast: Cast, instance: ProcessInstance) -> None:
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"amount": 500})
    check = open_task(instance)
    refused = path_preview.preview_task(check.pk, actor=cast.reviewer, data={"approved": False})
    assert [s.kind for s in refused.steps] == ["end"] and not refused.uncertain
    signers = ["office_a", f"office_staff@{AREA_A}"]
    with translation.override("en"):
        going = path_preview.preview_task(
            check.pk, actor=cast.reviewer, data={"approved": True, "signers": signers}
        )
    (joint,) = going.steps
    assert (joint.kind, joint.spec, joint.name, joint.countersign) == ("task", "joint", "联合审查", True)
    assert [(c.user, c.group) for c in joint.candidates] == [("office_a", ""), ("", signers[1])]
    # The service step runs before it: what it computes is unknown, so the preview may change.
    assert going.uncertain and any("compute" in note for note in going.notes)
    # Signers not in the data yet: the lane's group, and a note that they are decided later.
    unknown = path_preview.preview_task(check.pk, actor=cast.reviewer, data={"approved": True})
    assert [c.group for c in unknown.steps[0].candidates] == [f"office_staff@{AREA_A}"]


def test_a_condition_that_cannot_be_evaluated_is_undetermined_not_an_error(
    cast: Cast, instance: ProcessInstance, api: Callable[[Any], Any]
) -> None:
    submit = open_task(instance)
    for data in ({"title": "计量"}, {"amount": "many"}, {"amount": [1] * 50_000}):
        response = ask(api, cast.operator_a, submit, {"data": data})
        assert response.status_code == 200, (data, response.content[:300])
        payload = response.json()
        assert payload["uncertain"] is True and payload["notes"]
        kinds = {step["spec"]: step["kind"] for step in payload["steps"]}
        # The amount's branch is undetermined; the default one is still shown.
        assert kinds == {"district_check": "undetermined", "office_check": "task"}, data
        undetermined = next(s for s in payload["steps"] if s["kind"] == "undetermined")
        assert undetermined["condition"] == "amount >= 100" and undetermined["name"] == "区局核查"


def test_a_preview_saves_nothing(cast: Cast, instance: ProcessInstance, api: Callable[[Any], Any]) -> None:
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"amount": 500})
    check = open_task(instance)
    before, tasks = saved(instance), HumanTask.objects.count()
    ask(api, cast.reviewer, check, {"data": {"approved": True, "signers": ["office_a"]}})
    page = client_for(cast.reviewer).post(reverse("task-preview-page", args=[check.pk]), {"f.approved": "on"})
    assert page.status_code == 200 and 'data-testid="path-preview-step"' in page.text
    path_preview.preview_task(check.pk, actor=cast.reviewer, data={"approved": False})
    assert saved(instance) == before
    assert HumanTask.objects.count() == tasks


def test_only_the_holder_may_preview(
    cast: Cast, instance: ProcessInstance, api: Callable[[Any], Any]
) -> None:
    submit = open_task(instance)
    page = reverse("task-preview-page", args=[submit.pk])
    # Sees the case but does not hold the task: refused; cannot see it: as if it did not exist.
    for user, status in (
        (cast.office_a, 403),
        (cast.reviewer, 403),
        (cast.auditor, 403),
        (cast.operator_b, 404),
    ):
        assert ask(api, user, submit, {"data": {}}).status_code == status, user
        assert client_for(user).post(page, {"f.amount": "5"}).status_code == status, user
    # The button is on the holder's task page only.
    button = 'data-testid="path-preview"'
    assert button in client_for(cast.operator_a).get(reverse("task-detail-page", args=[submit.pk])).text
    assert button not in client_for(cast.office_a).get(reverse("task-detail-page", args=[submit.pk])).text


def test_a_closed_task_is_a_conflict(
    cast: Cast, instance: ProcessInstance, api: Callable[[Any], Any]
) -> None:
    submit = open_task(instance)
    human_tasks.complete(submit.pk, actor=cast.operator_a, data={"amount": 5})
    response = ask(api, cast.operator_a, submit, {"data": {}})
    assert response.status_code == 409 and response.json()["code"] == "closed"
    with pytest.raises(Conflict):
        path_preview.preview_task(submit.pk, actor=cast.operator_a, data={})
    # The page says so where the preview would be (htmx swaps only a 200).
    page = client_for(cast.operator_a).post(reverse("task-preview-page", args=[submit.pk]), {})
    assert page.status_code == 200 and 'data-testid="path-preview-error"' in page.text


def test_data_that_is_not_an_object_is_a_field_error(
    cast: Cast, instance: ProcessInstance, api: Callable[[Any], Any]
) -> None:
    submit = open_task(instance)
    for body in ({"data": [1, 2]}, {"data": "amount=5"}, [1, 2]):
        response = ask(api, cast.operator_a, submit, body)
        assert response.status_code == 400, (body, response.content[:300])
        assert [f["field"] for f in response.json()["fields"]] == ["data"]


def test_the_page_previews_the_half_filled_form(cast: Cast, instance: ProcessInstance) -> None:
    submit = open_task(instance)
    url = reverse("task-preview-page", args=[submit.pk])
    holder = client_for(cast.operator_a, "zh-hans")
    big = holder.post(url, {"f.title": "计量", "f.amount": "500"})
    assert big.status_code == 200
    assert "区局核查" in big.text and "松江区市场监督管理局" in big.text and "所级核查" not in big.text
    small = holder.post(url, {"f.amount": "5"}).text
    assert "所级核查" in small and "方松市场监管所" in small and "区局核查" not in small
    # Not a number yet: that field is left out, and its branch is undetermined.
    half = holder.post(url, {"f.amount": "五百"})
    assert half.status_code == 200 and 'data-kind="undetermined"' in half.text
    assert 'data-testid="path-preview-note"' in half.text


def test_one_signer_of_a_countersign_sees_what_follows_it(cast: Cast, instance: ProcessInstance) -> None:
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"amount": 500})
    human_tasks.complete(
        open_task(instance).pk,
        actor=cast.reviewer,
        data={"approved": True, "signers": ["office_a", "office_a2"]},
    )
    part = instance.human_tasks.get(task_spec__startswith="joint", assignee=cast.office_a, status="open")
    with translation.override("en"):
        preview = path_preview.preview_task(part.pk, actor=cast.office_a, data={"approved": True})
    assert [s.kind for s in preview.steps] == ["end"]
    assert any("signers" in note for note in preview.notes)
