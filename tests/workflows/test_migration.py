"""Moving running instances to a newer version of their diagram: the dry run, the move, refusals."""

from __future__ import annotations

import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connections, transaction
from django.urls import reverse

from audit.models import AuditEvent
from core.errors import Conflict, InvalidInput, PermissionDenied
from notifications.delivery import deliver
from notifications.models import Notification
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows import human_tasks, instances, migration
from workflows.deploy import deploy
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

from .test_lifecycle import open_task, snapshot

pytestmark = pytest.mark.django_db

BPMN = "approval.bpmn"


def deploy_variant(base: ProcessModelVersion, edit: Callable[[str], str], key: str = "approval") -> int:
    files = dict(base.files)
    name = next(n for n in files if n.endswith(".bpmn"))
    files[name] = edit(files[name])
    outcome = deploy(files, actor=None, model_key=key)
    assert outcome.version is not None and outcome.created
    return outcome.version.number


def with_legal_review(xml: str) -> str:
    """v2: a legal review after the district's, and the office's step renamed and made urgent."""
    return (
        xml.replace(
            "<bpmn:flowNodeRef>district_review</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>district_review</bpmn:flowNodeRef><bpmn:flowNodeRef>legal_review</bpmn:flowNodeRef>",
        )
        .replace(
            '<bpmn:sequenceFlow id="f4" sourceRef="district_review" targetRef="archive" />',
            '<bpmn:sequenceFlow id="f4" sourceRef="district_review" targetRef="legal_review" />'
            '<bpmn:sequenceFlow id="f4b" sourceRef="legal_review" targetRef="archive" />',
        )
        .replace(
            '<bpmn:userTask id="archive" name="归档">\n      <bpmn:incoming>f4</bpmn:incoming>',
            '<bpmn:userTask id="legal_review" name="法制审核">'
            "<bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f4b</bpmn:outgoing></bpmn:userTask>\n"
            '    <bpmn:userTask id="archive" name="归档">\n      <bpmn:incoming>f4b</bpmn:incoming>',
        )
        .replace('name="市场监管所审核"', 'name="市场监管所初审"')
        .replace(
            '<spiffworkflow:property name="priority" value="70" />',
            '<spiffworkflow:property name="priority" value="90" />',
        )
    )


def without_submit(xml: str) -> str:
    """A version where the first step no longer exists: instances past it cannot move there."""
    start = xml.index('<bpmn:userTask id="submit"')
    end = xml.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    return (
        (xml[:start] + xml[end:])
        .replace("<bpmn:flowNodeRef>submit</bpmn:flowNodeRef>", "")
        .replace('<bpmn:sequenceFlow id="f2" sourceRef="submit" targetRef="office_review" />', "")
        .replace('targetRef="submit"', 'targetRef="office_review"')
        .replace(
            "<bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>",
            "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>",
        )
    )


def without_archive(xml: str) -> str:
    """A version without the last step: instances that have not reached it move freely."""
    start = xml.index('<bpmn:userTask id="archive"')
    end = xml.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    return (
        (xml[:start] + xml[end:])
        .replace("<bpmn:flowNodeRef>archive</bpmn:flowNodeRef>", "")
        .replace('targetRef="archive"', 'targetRef="done"')
        .replace('<bpmn:sequenceFlow id="f5" sourceRef="archive" targetRef="done" />', "")
        .replace("<bpmn:incoming>f5</bpmn:incoming>", "<bpmn:incoming>f4</bpmn:incoming>")
    )


def office_in_district_lane(xml: str) -> str:
    """The office's review handed to the district: its group changes."""
    return xml.replace("<bpmn:flowNodeRef>office_review</bpmn:flowNodeRef>", "").replace(
        "<bpmn:flowNodeRef>district_review</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>district_review</bpmn:flowNodeRef><bpmn:flowNodeRef>office_review</bpmn:flowNodeRef>",
    )


@pytest.fixture
def v1(deploy_fixture: Callable[[str], ProcessModelVersion]) -> ProcessModelVersion:
    return deploy_fixture("approval")


@pytest.fixture
def at_office_review(v1: ProcessModelVersion, cast: Cast) -> ProcessInstance:
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-M-1", subject="迁移", org_unit_code=OPERATOR_A
    )
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    return instance


def test_the_dry_run_reports_and_changes_nothing(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, with_legal_review)
    before = snapshot(at_office_review)
    found = migration.plan(at_office_review.pk, actor=cast.admin)
    assert (found.from_version, found.to_version) == (1, 2)
    assert found.open_tasks == ["office_review"]
    assert found.added == ["legal_review"]
    assert "office_review" in found.changed
    assert found.removed == [] and found.blockers == [] and found.can_migrate
    assert snapshot(at_office_review) == before


def test_a_migrated_instance_follows_the_new_definition(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, with_legal_review)
    review = open_task(at_office_review)
    instance, found = migration.migrate(at_office_review.pk, actor=cast.admin, reason="新增法制审核环节")
    assert instance.version.number == 2 and found.can_migrate
    # The open task carried on (same row) and now shows the new definition.
    carried = open_task(instance)
    assert carried.pk == review.pk
    assert (carried.title, carried.priority) == ("市场监管所初审", 90)
    event = AuditEvent.objects.get(instance_id=instance.pk, action="instance.migrated")
    assert event.before == {"model": "approval", "version": 1}
    assert event.after is not None and event.after["version"] == 2 and event.reason == "新增法制审核环节"
    assert event.after["refreshed_tasks"] == [review.pk]

    human_tasks.complete(carried.pk, actor=cast.office_a, data={"approved": True, "comment": "同意"})
    human_tasks.complete(open_task(instance).pk, actor=cast.reviewer, data={"approved": True})
    legal = open_task(instance)
    assert legal.task_spec == "legal_review", "the step only version 2 has"
    human_tasks.complete(legal.pk, actor=cast.reviewer, data={})
    human_tasks.complete(open_task(instance).pk, actor=cast.operator_a, data={})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and instance.version.number == 2


def test_a_step_the_instance_passed_that_is_gone_blocks_the_move(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, without_submit)
    before = snapshot(at_office_review)
    found = migration.plan(at_office_review.pk, actor=cast.admin)
    assert found.removed == ["submit"] and not found.can_migrate
    assert [blocker.code for blocker in found.blockers] == ["removed_tasks"]
    with pytest.raises(Conflict) as refused:
        migration.migrate(at_office_review.pk, actor=cast.admin, reason="试试")
    assert "submit" in refused.value.message_en and "submit" in refused.value.message_zh
    assert snapshot(at_office_review) == before


def test_a_removed_step_the_instance_has_not_reached_does_not_block(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, without_archive)
    found = migration.plan(at_office_review.pk, actor=cast.admin)
    assert found.can_migrate and found.removed == [], found.blockers
    migration.migrate(
        at_office_review.pk, actor=cast.admin, reason="取消归档环节", expected=found.fingerprint
    )
    human_tasks.complete(open_task(at_office_review).pk, actor=cast.office_a, data={"approved": True})
    human_tasks.complete(open_task(at_office_review).pk, actor=cast.reviewer, data={"approved": True})
    at_office_review.refresh_from_db()
    assert at_office_review.status == InstanceStatus.COMPLETED and at_office_review.version.number == 2
    assert not at_office_review.human_tasks.filter(task_spec="archive").exists()


def test_a_claimed_task_whose_group_changes_goes_back_unclaimed(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, office_in_district_lane)
    human_tasks.claim(open_task(at_office_review).pk, actor=cast.office_a)
    deliver()  # what happened before the move has been told (the job runs every minute)
    migration.migrate(at_office_review.pk, actor=cast.admin, reason="改由区局审核")
    row = open_task(at_office_review)
    assert row.candidate_role == "district_reviewer" and row.assignee_id is None and row.claimed_at is None
    # The lost claim and the move are recorded, with what the task was before.
    unclaimed = AuditEvent.objects.get(action="task.unclaimed", target_id=str(row.pk))
    assert unclaimed.before == {"assignee": "office_a", "candidate_group": f"office_staff@{AREA_A}"}
    assert unclaimed.actor_id == cast.admin.pk and unclaimed.reason == "改由区局审核"
    moved = AuditEvent.objects.get(action="task.moved", target_id=str(row.pk))
    assert moved.before == {"candidate_group": f"office_staff@{AREA_A}", "assignee": "office_a"}
    assert (moved.after or {})["candidate_group"] == row.candidate_group
    # The new group is told, as of a new task; the admin who moved it is not.
    assert deliver() >= 1
    assert Notification.objects.filter(recipient=cast.reviewer, kind="task_available").count() == 1
    assert not Notification.objects.filter(recipient=cast.admin).exists()


def test_the_command_line_records_who_ran_it(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, with_legal_review)
    call_command("migrate_instances", "approval", reason="批量升级", stdout=StringIO())
    event = AuditEvent.objects.get(action="instance.migrated")
    assert event.actor_id is None and str((event.after or {})["via"]).startswith("command line (")


@pytest.mark.parametrize(
    ("arguments", "refusal", "field"),
    [
        ({"version_number": 99, "reason": "x"}, InvalidInput, "version"),
        ({"version_number": 1, "reason": "x"}, InvalidInput, "version"),
        ({"reason": "  "}, InvalidInput, "reason"),
    ],
)
def test_bad_requests_change_nothing(
    at_office_review: ProcessInstance,
    v1: ProcessModelVersion,
    cast: Cast,
    arguments: dict[str, Any],
    refusal: type[Exception],
    field: str,
) -> None:
    deploy_variant(v1, with_legal_review)
    before = snapshot(at_office_review)
    with pytest.raises(refusal) as refused:
        migration.migrate(at_office_review.pk, actor=cast.admin, **arguments)
    assert [f.field for f in refused.value.fields] == [field]  # type: ignore[attr-defined]
    assert snapshot(at_office_review) == before


@pytest.mark.parametrize("persona", ["operator_a", "office_a", "reviewer", "auditor"])
def test_only_process_admins_migrate(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast, persona: str
) -> None:
    deploy_variant(v1, with_legal_review)
    before = snapshot(at_office_review)
    with pytest.raises(PermissionDenied):
        migration.plan(at_office_review.pk, actor=getattr(cast, persona))
    with pytest.raises(PermissionDenied):
        migration.migrate(at_office_review.pk, actor=getattr(cast, persona), reason="x")
    assert snapshot(at_office_review) == before


def test_suspended_and_ended_instances_are_refused(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    deploy_variant(v1, with_legal_review)
    instances.suspend(at_office_review.pk, actor=cast.admin, reason="暂停")
    with pytest.raises(Conflict) as refused:
        migration.migrate(at_office_review.pk, actor=cast.admin, reason="x")
    assert "resume" in refused.value.message_en and "恢复" in refused.value.message_zh
    instances.terminate(at_office_review.pk, actor=cast.admin, reason="终止")
    with pytest.raises(Conflict):
        migration.plan(at_office_review.pk, actor=cast.admin)


def test_fix_the_diagram_migrate_then_retry_a_failed_instance(
    deploy_fixture: Callable[[str], ProcessModelVersion], cast: Cast
) -> None:
    v1 = deploy_fixture("service_step")
    case = instances.start_instance("service_step", actor=cast.office_a, org_unit_code="office-fangsong")
    human_tasks.complete(open_task(case).pk, actor=cast.office_a, data={"label": "bad", "fail": True})
    case.refresh_from_db()
    assert case.status == InstanceStatus.ERROR
    # The fix: the step no longer passes the form's "fail" flag to the handler.
    deploy_variant(v1, lambda xml: xml.replace('value="fail"', 'value="False"'), key="service_step")
    migrated, _ = migration.migrate(case.pk, actor=cast.admin, reason="修正登记参数")
    assert migrated.status == InstanceStatus.ERROR, "a failed instance keeps its error until retried"
    instances.retry(case.pk, actor=cast.admin, reason="修正后重试")
    case.refresh_from_db()
    assert case.status == InstanceStatus.RUNNING and case.version.number == 2
    assert open_task(case).task_spec == "confirm"


def test_api_dry_run_then_migrate(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast, api: Any
) -> None:
    deploy_variant(v1, with_legal_review)
    client = api(cast.admin)
    url = reverse("instance-migrate", kwargs={"pk": at_office_review.pk})
    preview = client.post(url, {"dry_run": True}, format="json")
    assert preview.status_code == 200
    assert preview.json()["plan"]["added"] == ["legal_review"] and "instance" not in preview.json()
    missing_reason = client.post(url, {}, format="json")
    assert missing_reason.status_code == 400
    assert [f["field"] for f in missing_reason.json()["fields"]] == ["reason"]
    moved = client.post(url, {"version": 2, "reason": "新增法制审核环节"}, format="json")
    assert moved.status_code == 200
    assert moved.json()["instance"]["version_number"] == 2 and moved.json()["plan"]["can_migrate"]


def test_the_command_previews_then_moves_and_reports_refusals(
    v1: ProcessModelVersion, cast: Cast, at_office_review: ProcessInstance
) -> None:
    deploy_variant(v1, with_legal_review)
    out = StringIO()
    call_command("migrate_instances", "approval", "--dry-run", stdout=out)
    assert f"instance {at_office_review.pk}: would move v1 -> v2" in out.getvalue()
    assert f"instance {at_office_review.pk}: rehearsal ends running" in out.getvalue()
    assert ProcessInstance.objects.get(pk=at_office_review.pk).version.number == 1
    with pytest.raises(CommandError):
        call_command("migrate_instances", "approval", stdout=StringIO())  # no reason
    out = StringIO()
    call_command("migrate_instances", "approval", "--reason", "批量迁移", stdout=out)
    assert "moved v1 -> v2" in out.getvalue()
    assert ProcessInstance.objects.get(pk=at_office_review.pk).version.number == 2

    deploy_variant(ProcessModelVersion.objects.get(process_model__key="approval", number=2), without_submit)
    with pytest.raises(CommandError, match="cannot be migrated"):
        call_command(
            "migrate_instances", "approval", "--reason", "再迁移", stdout=StringIO(), stderr=StringIO()
        )
    assert ProcessInstance.objects.get(pk=at_office_review.pk).version.number == 2
    assert HumanTask.objects.filter(instance=at_office_review, status=HumanTask.Status.OPEN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_dry_run_never_waits_for_a_writer(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    # The instance page runs the dry run on every view: it reads, it never locks.
    deploy_variant(v1, with_legal_review)
    held, done = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                ProcessInstance.objects.select_for_update().get(pk=at_office_review.pk)
                held.set()
                done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert held.wait(10)
        with connections["default"].cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        assert migration.plan(at_office_review.pk, actor=cast.admin).can_migrate
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        done.set()
        thread.join(10)


def test_the_dry_run_is_the_real_move_rolled_back(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast, api: Any
) -> None:
    deploy_variant(v1, office_in_district_lane)
    human_tasks.claim(open_task(at_office_review).pk, actor=cast.office_a)
    before = snapshot(at_office_review)
    events = AuditEvent.objects.count()
    response = api(cast.admin).post(
        f"/api/instances/{at_office_review.pk}/migrate/", {"dry_run": True}, format="json"
    )
    assert response.status_code == 200, response.content
    rehearsal = response.json()["rehearsal"]
    assert rehearsal["moved"] and rehearsal["status_after"] in {"running", "waiting"}
    (task,) = rehearsal["tasks"]
    assert task["task_spec"] == "office_review" and not task["new"]
    assert task["group_before"] == f"office_staff@{AREA_A}" and task["group_after"].startswith("district")
    assert task["assignee_before"] == "office_a" and task["assignee_after"] is None  # the claim it loses
    # nothing of it stays
    assert snapshot(at_office_review) == before and AuditEvent.objects.count() == events
    assert open_task(at_office_review).assignee_id == cast.office_a.pk


def test_a_rehearsal_of_a_blocked_move_reports_the_refusal_and_the_plan(
    at_office_review: ProcessInstance, v1: ProcessModelVersion, cast: Cast
) -> None:
    from workflows.migration_rehearsal import rehearse

    deploy_variant(v1, without_submit)
    report = rehearse(at_office_review.pk, actor=cast.admin)
    assert not report.moved and report.refusal is not None and report.refusal["code"] == "not_migratable"
    assert report.plan is not None and report.plan.removed == ["submit"]
    with pytest.raises(PermissionDenied):
        rehearse(at_office_review.pk, actor=cast.office_a)
