"""A turn's rows and its audit events: one statement for the outermost engine write (the
transaction's tail, core/db/tail.py), reserved ids for the new task rows, and rows there for
whoever reads them before the write ends (inside another engine write, the next cycle)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.actions import Action
from audit.models import AuditEvent
from audit.verify import verify_chain
from core.service import write_transaction
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances, registry
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

pytestmark = pytest.mark.django_db


def open_tasks(instance: ProcessInstance) -> list[HumanTask]:
    return list(instance.human_tasks.filter(status=HumanTask.Status.OPEN).order_by("id"))


def statements_of(call: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


Started = tuple[ProcessInstance, HumanTask]


@pytest.fixture
def start_approval(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> Callable[[str], Started]:
    """Deploy the approval diagram; the fixture starts one and gives it with its open task."""
    deploy_fixture("approval")

    def start(business_key: str) -> Started:
        instance = instances.start_instance(
            "approval", actor=cast.operator_a, business_key=business_key, org_unit_code=OPERATOR_A
        )
        (task,) = open_tasks(instance)
        return instance, task

    return start


def test_a_completion_is_one_lock_and_one_write_with_its_audit_events(
    cast: Cast, start_approval: Callable[[str], Started]
) -> None:
    instance, task = start_approval("TW-1")
    sql = statements_of(
        lambda: human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    )
    # Reads besides the lock may come from cold caches (the org-unit directory); writes may not.
    (lock,) = [s for s in sql if "FOR UPDATE" in s]
    assert "FOR UPDATE OF i, t" in lock
    (write,) = [s for s in sql if s.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "WITH")]
    assert "audit_append" in write and "UPDATE workflows_processinstance" in write
    assert "INSERT INTO workflows_humantask" in write
    assert not [s for s in sql if "audit_append" in s and s is not write]

    opened = open_tasks(instance)
    assert [t.task_spec for t in opened] == ["office_review"]
    created = AuditEvent.objects.get(action=Action.TASK_CREATED, target_id=str(opened[0].pk))
    completed = AuditEvent.objects.get(action=Action.TASK_COMPLETED, target_id=str(task.pk))
    assert created.id == completed.id + 1  # recorded in that order, appended together
    assert verify_chain().ok


def test_a_start_writes_its_first_turn_with_its_audit_events(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    deploy_fixture("approval")
    # The first start in a process reads the version once (versions are cached per process).
    instances.start_instance(
        "approval", actor=cast.operator_a, business_key="TW-2a", org_unit_code=OPERATOR_A
    )
    sql = statements_of(
        lambda: instances.start_instance(
            "approval", actor=cast.operator_a, business_key="TW-2", org_unit_code=OPERATOR_A
        )
    )
    assert sum("audit_append" in s for s in sql) == 1
    assert not [s for s in sql if "audit_append" not in s and "UPDATE workflows_processinstance" in s]
    # The version and the org unit are looked up by the INSERT itself, not by queries of their own.
    (insert,) = [s for s in sql if s.startswith("INSERT INTO workflows_processinstance")]
    assert "workflows_processmodelversion" in insert and "casemgmt_orgunit" in insert
    assert not [s for s in sql if s.startswith("SELECT") and "workflows_processmodelversion" in s]
    assert not [s for s in sql if s.startswith("SELECT") and "casemgmt_orgunit" in s]
    instance = ProcessInstance.objects.get(business_key="TW-2")
    (task,) = open_tasks(instance)
    assert AuditEvent.objects.filter(action=Action.TASK_CREATED, target_id=str(task.pk)).exists()
    assert verify_chain().ok


def test_a_turn_opening_more_tasks_than_reserved_fetches_ids_for_the_rest(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    """Three reviews open in parallel after the submission: one turn opens three tasks, more
    than the one id the completion reserved with its lock."""
    deploy_fixture("parallel_review")
    instance = instances.start_instance(
        "parallel_review", actor=cast.operator_a, business_key="TW-3", org_unit_code=OPERATOR_A
    )
    (submit,) = open_tasks(instance)
    human_tasks.complete(submit.pk, actor=cast.operator_a, data={})
    reviews = open_tasks(instance)
    assert sorted(t.task_spec for t in reviews) == ["review_a", "review_b", "review_c"]
    assert len({t.pk for t in reviews}) == 3
    created = set(
        AuditEvent.objects.filter(action=Action.TASK_CREATED, instance_id=instance.pk).values_list(
            "target_id", flat=True
        )
    )
    assert {str(t.pk) for t in reviews} | {str(submit.pk)} == created
    for review in reviews:
        human_tasks.complete(review.pk, actor=cast.operator_a, data={})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert verify_chain().ok


def test_inside_another_engine_write_the_rows_are_there_when_read(
    cast: Cast, start_approval: Callable[[str], Started]
) -> None:
    """Nested, complete() adds its rows to the outer write's tail and its events to the outer
    batch; the outer code reads the rows straight away (reading flushes the tail first), and
    the events are appended when the outer block ends."""
    instance, task = start_approval("TW-4")
    with write_transaction():
        human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
        assert [t.task_spec for t in open_tasks(instance)] == ["office_review"]
        assert HumanTask.objects.get(pk=task.pk).status == HumanTask.Status.COMPLETED
        # Its audit events wait for the outer block, and are appended when it ends.
        assert not AuditEvent.objects.filter(action=Action.TASK_COMPLETED, target_id=str(task.pk)).exists()
    assert AuditEvent.objects.filter(action=Action.TASK_COMPLETED, target_id=str(task.pk)).exists()
    assert verify_chain().ok


def test_a_failed_flush_leaves_nothing_behind(cast: Cast, start_approval: Callable[[str], Started]) -> None:
    """The rows and the events are one statement: when it fails, neither is written."""
    instance, task = start_approval("TW-5")
    row_version = ProcessInstance.objects.get(pk=instance.pk).row_version
    # A task row with the id the completion will reserve next makes its insert collide.
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM workflows_humantask_id_seq")
        row = cursor.fetchone()
    assert row is not None
    last = row[0]
    HumanTask.objects.create(
        id=last + 1,
        instance=instance,
        spiff_task_id="00000000-0000-0000-0000-000000000001",
        task_spec="squatter",
        title="squatter",
        candidate_role="operator",
        candidate_org_unit=OPERATOR_A,
        candidate_group="x",
        status=HumanTask.Status.CANCELLED,
    )
    events_before = AuditEvent.objects.count()
    with pytest.raises(Exception, match="duplicate key"):
        human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    assert AuditEvent.objects.count() == events_before
    assert HumanTask.objects.get(pk=task.pk).status == HumanTask.Status.OPEN
    assert ProcessInstance.objects.get(pk=instance.pk).row_version == row_version


@pytest.mark.parametrize(
    ("model_key", "version", "org_unit", "error", "actor_name"),
    [
        ("approval", None, "no-such-unit", "InvalidInput", "operator_a"),
        ("no_such_model", None, OPERATOR_A, "NotFound", "operator_a"),
        ("approval", 99, OPERATOR_A, "NotFound", "operator_a"),
        # The missing org unit is reported before the permission, as when it was looked up first.
        ("approval", None, "no-such-unit", "InvalidInput", "auditor"),
        ("approval", None, OPERATOR_A, "PermissionDenied", "auditor"),
    ],
)
def test_a_refused_start_says_why_and_leaves_nothing(
    cast: Cast,
    deploy_fixture: Callable[[str], ProcessModelVersion],
    model_key: str,
    version: int | None,
    org_unit: str,
    error: str,
    actor_name: str,
) -> None:
    deploy_fixture("approval")
    counts = (ProcessInstance.objects.count(), HumanTask.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Exception) as raised:
        instances.start_instance(
            model_key,
            actor=getattr(cast, actor_name),
            business_key="TW-6",
            org_unit_code=org_unit,
            version_number=version,
        )
    assert type(raised.value).__name__ == error
    assert (ProcessInstance.objects.count(), HumanTask.objects.count(), AuditEvent.objects.count()) == counts


def test_the_next_cycle_sees_the_ended_cycle_written(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    """The next cycle starts inside the same transaction as the completion that ended the one
    before, and its handlers may read that one: reading flushes the tail, so they find its rows
    written (cycle_peek.bpmn: each cycle first looks back through a service task, then waits for one
    task, whose completion ends the cycle and starts the next)."""
    seen: list[tuple[str, list[str]]] = []

    def peek_previous(call: registry.ServiceCall) -> dict[str, Any]:
        previous = call.instance.previous_id
        if previous is not None:
            status = ProcessInstance.objects.values_list("status", flat=True).get(pk=previous)
            open_specs = HumanTask.objects.filter(instance_id=previous, status=HumanTask.Status.OPEN)
            seen.append((status, sorted(open_specs.values_list("task_spec", flat=True))))
        return {}

    registry.register_service_handler("test_peek_previous", peek_previous)
    try:
        deploy_fixture("cycle_peek")
        first = instances.start_instance(
            "cycle_peek", actor=cast.operator_a, business_key="TW-7", org_unit_code=OPERATOR_A
        )
        (work,) = open_tasks(first)
        human_tasks.complete(work.pk, actor=cast.operator_a, data={})
    finally:
        registry.unregister_service_handler("test_peek_previous")
    assert seen == [(InstanceStatus.COMPLETED, [])]
    second = ProcessInstance.objects.get(previous=first)
    assert [t.task_spec for t in open_tasks(second)] == ["work"]
    assert verify_chain().ok
