"""Batch migration: the open instances of older versions, chosen by version, status and step,
rehearsed one by one, then moved by a job that records each outcome and carries on after being
interrupted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from core.errors import InvalidInput, PermissionDenied
from studio import batches
from studio.models import MigrationBatch, MigrationItem
from tests.live_worker import LiveWorker
from tests.personas import OPERATOR_A, Cast
from tests.workflows.test_lifecycle import open_task
from tests.workflows.test_migration import deploy_variant, with_legal_review, without_archive
from workflows import human_tasks, instances
from workflows.models import InstanceStatus, ProcessInstance, ProcessModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(deploy_fixture: Callable[[str], ProcessModelVersion]) -> ProcessModelVersion:
    return deploy_fixture("approval")


def started(cast: Cast, n: int, *, submitted: bool = False) -> list[ProcessInstance]:
    found = []
    for i in range(n):
        instance = instances.start_instance(
            "approval", actor=cast.operator_a, business_key=f"B-{submitted}-{i}", org_unit_code=OPERATOR_A
        )
        if submitted:
            human_tasks.complete(
                open_task(instance).pk, actor=cast.operator_a, data={"title": "校准", "amount": 1}
            )
        found.append(instance)
    return found


def suspended(instance: ProcessInstance) -> None:
    """Suspended after it was chosen: a status a move refuses."""
    ProcessInstance.objects.filter(pk=instance.pk).update(status=InstanceStatus.SUSPENDED)


def test_candidates_are_chosen_by_version_status_and_step(cast: Cast, v1: ProcessModelVersion) -> None:
    at_submit = started(cast, 2)
    at_office = started(cast, 1, submitted=True)
    deploy_variant(v1, with_legal_review)
    everyone = batches.candidates("approval", batches.Selection(), actor=cast.admin)
    assert {i.pk for i in everyone} == {i.pk for i in at_submit + at_office}
    by_step = batches.candidates("approval", batches.Selection(activity="office_review"), actor=cast.admin)
    assert [i.pk for i in by_step] == [at_office[0].pk]
    assert batches.candidates("approval", batches.Selection(versions=(2,)), actor=cast.admin) == []
    assert batches.older_versions("approval") == [(1, 3)]
    with pytest.raises(PermissionDenied):
        batches.candidates("approval", batches.Selection(), actor=cast.operator_a)


def test_the_dry_run_says_what_each_move_would_do_and_changes_nothing(
    cast: Cast, v1: ProcessModelVersion
) -> None:
    at_submit = started(cast, 1)
    at_office = started(cast, 1, submitted=True)
    deploy_variant(v1, without_archive)
    suspended(at_submit[0])
    found = batches.dry_run(
        [at_submit[0].pk, at_office[0].pk], actor=cast.admin, version_number=2, restart_timers=False
    )
    by_id = {r.instance_id: r for r in found}
    # The suspended one cannot move, and says why; the other can.
    assert not by_id[at_submit[0].pk].moved and by_id[at_submit[0].pk].refusal is not None
    assert by_id[at_office[0].pk].moved
    assert not ProcessInstance.objects.filter(version__number=2).exists()
    assert not MigrationBatch.objects.exists()


def test_a_batch_moves_each_instance_and_records_refusals(cast: Cast, v1: ProcessModelVersion) -> None:
    movable = started(cast, 2, submitted=True)
    stuck = started(cast, 1)
    deploy_variant(v1, with_legal_review)
    suspended(stuck[0])
    ids = [i.pk for i in movable + stuck]
    batch = batches.start("approval", ids, actor=cast.admin, version_number=2, reason="新版上线")
    assert batches.progress(batch)["done"] == 0 and batch.items.count() == 3
    batches.run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == MigrationBatch.Status.FINISHED
    outcome = {item.instance_id: item for item in batch.items.all()}
    assert {outcome[i.pk].status for i in movable} == {MigrationItem.Status.MOVED}
    assert outcome[stuck[0].pk].status == MigrationItem.Status.REFUSED and outcome[stuck[0].pk].message
    assert set(ProcessInstance.objects.filter(version__number=2).values_list("pk", flat=True)) == {
        i.pk for i in movable
    }
    assert batches.progress(batch) == {
        "counts": {"pending": 0, "moved": 2, "refused": 1, "failed": 0},
        "total": 3,
        "done": 3,
        "percent": 100,
    }
    moved_events = AuditEvent.objects.filter(action=Action.INSTANCE_MIGRATED)
    assert moved_events.count() == 2
    finished = AuditEvent.objects.get(action=Action.MIGRATION_BATCH_FINISHED)
    assert finished.after == {"model": "approval", "pending": 0, "moved": 2, "refused": 1, "failed": 0}


def test_an_interrupted_batch_carries_on_with_what_is_left(cast: Cast, v1: ProcessModelVersion) -> None:
    found = started(cast, 3, submitted=True)
    deploy_variant(v1, with_legal_review)
    batch = batches.start(
        "approval", [i.pk for i in found], actor=cast.admin, version_number=2, reason="上线"
    )
    # The job died after moving the first instance (its outcome committed with the move).
    first = batch.items.order_by("id").first()
    assert first is not None
    batches._move(batch, first)
    assert batches.progress(batch)["done"] == 1
    batches.resume(batch.pk, actor=cast.admin)
    batches.run(batch.pk)
    assert batches.progress(batch)["counts"]["moved"] == 3
    assert AuditEvent.objects.filter(action=Action.INSTANCE_MIGRATED).count() == 3
    assert AuditEvent.objects.filter(action=Action.MIGRATION_BATCH_FINISHED).count() == 1


@pytest.mark.parametrize(
    ("ids", "reason", "field"),
    [(None, "", "reason"), ([], "上线", "instances"), ([999999], "上线", "instances")],
)
def test_a_bad_batch_is_refused_and_creates_nothing(
    cast: Cast, v1: ProcessModelVersion, ids: list[int] | None, reason: str, field: str
) -> None:
    found = started(cast, 1)
    deploy_variant(v1, with_legal_review)
    with pytest.raises(InvalidInput) as refused:
        batches.start(
            "approval",
            [found[0].pk] if ids is None else ids,
            actor=cast.admin,
            version_number=2,
            reason=reason,
        )
    assert refused.value.fields[0].field == field
    assert not MigrationBatch.objects.exists()
    with pytest.raises(PermissionDenied):
        batches.start("approval", [found[0].pk], actor=cast.office_a, version_number=2, reason="x")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_batch(
    cast: Cast, v1: ProcessModelVersion, celery_worker_process: LiveWorker
) -> None:
    found = started(cast, 2, submitted=True)
    deploy_variant(v1, with_legal_review)
    batch = batches.start(
        "approval", [i.pk for i in found], actor=cast.admin, version_number=2, reason="上线"
    )

    def finished() -> Any:
        batch.refresh_from_db()
        return batch.status == MigrationBatch.Status.FINISHED

    celery_worker_process.wait_until(finished)
    assert set(
        ProcessInstance.objects.filter(pk__in=[i.pk for i in found]).values_list("version__number", flat=True)
    ) == {2}
    assert batches.progress(batch)["counts"]["moved"] == 2
