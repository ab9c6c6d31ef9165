"""Human tasks inside embedded subprocesses, call activities and event subprocesses: their rows
get the group of the lane they run in, they can be completed, boundaries on the subprocess act
on them, and migration keeps them (issue #15)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from audit.models import AuditEvent
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows import human_tasks, instances, migration
from workflows.instances import fire_due_timers
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

from .test_lifecycle import open_task
from .test_migration import deploy_variant

pytestmark = pytest.mark.django_db

Deploy = Callable[[str], ProcessModelVersion]


def start(cast: Cast, key: str, data: dict[str, Any] | None = None) -> ProcessInstance:
    return instances.start_instance(key, actor=cast.operator_a, org_unit_code=OPERATOR_A, data=data)


def actions(instance: ProcessInstance) -> list[str]:
    return list(
        AuditEvent.objects.filter(instance_id=instance.pk).order_by("id").values_list("action", flat=True)
    )


def statuses(instance: ProcessInstance) -> dict[str, str]:
    return dict(instance.human_tasks.values_list("task_spec", "status"))


def test_a_task_in_an_embedded_subprocess_is_completed(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("subprocess_task")
    case = start(cast, "subprocess_task")
    human_tasks.complete(open_task(case).pk, actor=cast.operator_a, data={})
    check = open_task(case)
    assert check.task_spec == "check" and check.title == "市场监管所核查"
    assert check.lane == "市场监管所" and check.candidate_group == f"office_staff@{AREA_A}"
    human_tasks.complete(check.pk, actor=cast.office_a, data={"approved": True})
    archive = open_task(case)
    assert archive.task_spec == "archive"
    human_tasks.complete(archive.pk, actor=cast.operator_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED
    assert statuses(case) == {"submit": "completed", "check": "completed", "archive": "completed"}
    events = actions(case)
    assert events[0] == "instance.started" and events[-1] == "instance.completed"
    assert events.count("task.completed") == 3


def test_an_error_thrown_in_the_subprocess_is_caught_by_its_boundary(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    deploy_fixture("subprocess_task")
    case = start(cast, "subprocess_task")
    human_tasks.complete(open_task(case).pk, actor=cast.operator_a, data={})
    human_tasks.complete(open_task(case).pk, actor=cast.office_a, data={"approved": False}, opinion="不同意")
    rework = open_task(case)
    assert rework.task_spec == "rework" and rework.candidate_group == f"operator@{OPERATOR_A}"
    human_tasks.complete(rework.pk, actor=cast.operator_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED
    assert "archive" not in statuses(case)


def test_a_task_without_a_lane_takes_its_subprocess_lane(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("subprocess_lane")
    case = start(cast, "subprocess_lane", {"timeout": "P1D"})
    visit = open_task(case)
    assert visit.task_spec == "record_visit"
    assert visit.lane == "市场监管所" and visit.candidate_group == f"office_staff@{AREA_A}"
    human_tasks.claim(visit.pk, actor=cast.office_a)
    human_tasks.complete(visit.pk, actor=cast.office_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED and case.next_timer_at is None
    assert actions(case).count("task.completed") == 1


def test_an_interrupting_timer_on_the_subprocess_cancels_its_task(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("subprocess_lane")
    case = start(cast, "subprocess_lane", {"timeout": "PT1S"})
    time.sleep(1.2)
    assert fire_due_timers() == 1
    assert statuses(case) == {"record_visit": "cancelled", "escalated": "open"}
    escalated = open_task(case)
    assert escalated.candidate_group == "district_reviewer@district"
    human_tasks.complete(escalated.pk, actor=cast.reviewer, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED


def test_a_task_in_a_called_process_is_completed(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("call_activity")
    case = start(cast, "call_activity")
    review = open_task(case)
    assert review.task_spec == "district_review" and review.candidate_group == "district_reviewer@district"
    human_tasks.complete(review.pk, actor=cast.reviewer, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED
    assert actions(case)[-1] == "instance.completed"


def test_a_reminder_event_subprocess_opens_a_task_beside_the_main_one(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    deploy_fixture("subprocess_reminder")
    case = start(cast, "subprocess_reminder", {"remind_in": "PT1S"})
    assert case.next_timer_at is not None
    time.sleep(1.2)
    assert fire_due_timers() == 1
    assert statuses(case) == {"match": "open", "follow_up": "open"}
    reminder = case.human_tasks.get(task_spec="follow_up")
    assert reminder.lane == "office_staff" and reminder.candidate_group == f"office_staff@{AREA_A}"
    human_tasks.complete(reminder.pk, actor=cast.office_a, data={})
    assert statuses(case) == {"match": "open", "follow_up": "completed"}
    human_tasks.complete(case.human_tasks.get(task_spec="match").pk, actor=cast.operator_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED


def test_an_open_reminder_keeps_the_instance_running_after_the_main_path_ends(
    cast: Cast, deploy_fixture: Deploy
) -> None:
    deploy_fixture("subprocess_reminder")
    case = start(cast, "subprocess_reminder", {"remind_in": "PT1S"})
    time.sleep(1.2)
    assert fire_due_timers() == 1
    human_tasks.complete(case.human_tasks.get(task_spec="match").pk, actor=cast.operator_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.RUNNING and case.next_timer_at is None, "a duration fires once"
    human_tasks.complete(case.human_tasks.get(task_spec="follow_up").pk, actor=cast.office_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED


def test_migration_keeps_a_task_waiting_in_a_subprocess(cast: Cast, deploy_fixture: Deploy) -> None:
    v1 = deploy_fixture("subprocess_task")
    case = start(cast, "subprocess_task")
    human_tasks.complete(open_task(case).pk, actor=cast.operator_a, data={})
    check = open_task(case)
    human_tasks.claim(check.pk, actor=cast.office_a)
    deploy_variant(
        v1, lambda xml: xml.replace('name="市场监管所核查"', 'name="市场监管所复核"'), key="subprocess_task"
    )
    found = migration.plan(case.pk, actor=cast.admin)
    assert found.open_tasks == ["check"] and "check" in found.changed and found.can_migrate
    instance, _ = migration.migrate(case.pk, actor=cast.admin, reason="改名")
    assert instance.version.number == 2
    check.refresh_from_db()
    assert check.status == HumanTask.Status.OPEN and check.title == "市场监管所复核"
    assert check.assignee == cast.office_a, "the group did not change, so the claim stands"
    migrated = AuditEvent.objects.get(instance_id=case.pk, action="instance.migrated")
    assert migrated.after is not None and migrated.after["refreshed_tasks"] == [check.pk]
    human_tasks.complete(check.pk, actor=cast.office_a, data={"approved": True})
    human_tasks.complete(open_task(case).pk, actor=cast.operator_a, data={})
    case.refresh_from_db()
    assert case.status == InstanceStatus.COMPLETED
