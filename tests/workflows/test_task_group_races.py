"""A claim or an assignment racing a change of the task's group (a migration moving it to another
lane): the permission is judged against the group the task has when the claim is written."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connections, transaction

from casemgmt.models import Membership, OrgUnit
from core.errors import Conflict, PermissionDenied
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessModelVersion

pytestmark = pytest.mark.django_db(transaction=True)

DISTRICT = "district_reviewer@district"


def fresh_user(user: User) -> User:
    """The user as a new request loads it: memberships read afresh."""
    return User.objects.get(pk=user.pk)


def open_task(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]) -> HumanTask:
    deploy_fixture("approval")
    case = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    return case.human_tasks.get(status=HumanTask.Status.OPEN)


def moving(task_id: int, group: str) -> threading.Thread:
    """Another connection moves the task to `group` and holds the row for a moment before it
    commits, as a migration does: whatever writes the row meanwhile waits for it."""
    held = threading.Event()

    def move() -> None:
        try:
            with transaction.atomic():
                HumanTask.objects.select_for_update().filter(pk=task_id).update(candidate_group=group)
                held.set()
                time.sleep(1.0)
        finally:
            connections.close_all()

    thread = threading.Thread(target=move)
    thread.start()
    assert held.wait(10)
    return thread


def test_a_claim_queued_behind_a_move_to_another_group_is_refused(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    task = open_task(cast, deploy_fixture)
    thread = moving(task.pk, DISTRICT)
    try:
        with pytest.raises(PermissionDenied):
            human_tasks.claim(task.pk, actor=cast.operator_a)
    finally:
        thread.join(10)
    task.refresh_from_db()
    assert task.candidate_group == DISTRICT and task.assignee_id is None


def test_a_claim_queued_behind_a_move_within_the_claimants_groups_asks_again(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    task = open_task(cast, deploy_fixture)
    # operator_a also works in office A: the task moving there is still theirs to claim, but they
    # are told it moved rather than claiming a task whose group they did not see.
    Membership.objects.create(
        user=cast.operator_a, org_unit=OrgUnit.objects.get(code=AREA_A), role="office_staff"
    )
    thread = moving(task.pk, f"office_staff@{AREA_A}")
    try:
        with pytest.raises(Conflict) as refused:
            human_tasks.claim(task.pk, actor=fresh_user(cast.operator_a))
    finally:
        thread.join(10)
    assert refused.value.code == "moved"
    task.refresh_from_db()
    assert task.assignee_id is None
    assert human_tasks.claim(task.pk, actor=fresh_user(cast.operator_a)).assignee_id == cast.operator_a.pk


def test_an_assignment_queued_behind_a_move_is_judged_against_the_new_group(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    task = open_task(cast, deploy_fixture)
    thread = moving(task.pk, DISTRICT)
    try:
        with pytest.raises(PermissionDenied):
            human_tasks.assign(
                task.pk, actor=cast.operator_a, assignee_username="operator_a", reason="我来办"
            )
    finally:
        thread.join(10)
    task.refresh_from_db()
    assert task.assignee_id is None
