"""Batch migration: after a deploy, move the open instances of older versions to the new one.

The admin picks instances by version, status and current step (`candidates`), sees per instance
what the move would do (`dry_run`: each move rehearsed, run for real and rolled back), and starts
a batch (`start`): one MigrationItem per instance, then a Celery job (studio/tasks.py) that moves
them one by one, each in its own transaction through `workflows.migration.migrate` (audited per
instance, as any move). The job takes the next pending item with SKIP LOCKED, so a job delivered
again after a worker died (Celery's late acknowledgement) simply carries on; the page offers to
resume a batch whose job is gone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from audit.actions import Action
from core.errors import FieldError, InvalidInput, NotFound, PermissionDenied, ServiceError
from core.service import Actor, acting_user, audit, require, require_reason, write_transaction
from workflows import migration
from workflows.migration_rehearsal import Rehearsal, rehearse
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModel, ProcessModelVersion

from .models import MigrationBatch, MigrationItem

logger = logging.getLogger(__name__)

PERMISSION = migration.PERMISSION
MOVABLE = tuple(str(status) for status in migration.MIGRATABLE)
MAX_BATCH = 500  # instances per batch, and per dry run
MAX_DRY_RUN = 100


@dataclass(frozen=True)
class Selection:
    """Which instances: of these older versions (all when empty), statuses, at this open step."""

    versions: tuple[int, ...] = ()
    statuses: tuple[str, ...] = (InstanceStatus.RUNNING, InstanceStatus.WAITING)
    activity: str = ""


def model_and_newest(key: str) -> tuple[ProcessModel, ProcessModelVersion]:
    model = ProcessModel.objects.filter(key=key).first()
    newest = model.latest_version() if model is not None else None
    if model is None or newest is None:
        raise NotFound(f"Process model {key!r} does not exist.", f"流程模型 {key} 不存在。")
    return model, newest


def candidates(key: str, selection: Selection, *, actor: Actor) -> list[ProcessInstance]:
    """Open instances of older versions than the newest that match `selection`, oldest first."""
    require(actor, PERMISSION)
    model, newest = model_and_newest(key)
    statuses = [s for s in selection.statuses if s in MOVABLE] or list(MOVABLE)
    found = ProcessInstance.objects.filter(
        version__process_model=model, version__number__lt=newest.number, status__in=statuses
    )
    if selection.versions:
        found = found.filter(version__number__in=selection.versions)
    if selection.activity:
        at_step = HumanTask.objects.filter(
            instance_id=OuterRef("pk"), status=HumanTask.Status.OPEN, task_spec=selection.activity
        )
        found = found.filter(Exists(at_step))
    return list(found.select_related("version").order_by("id")[:MAX_BATCH])


def older_versions(key: str) -> list[tuple[int, int]]:
    """(version number, open instances) of the versions before the newest that still run some."""
    model, newest = model_and_newest(key)
    rows = (
        ProcessInstance.objects.filter(
            version__process_model=model, version__number__lt=newest.number, status__in=MOVABLE
        )
        .values("version__number")
        .annotate(n=Count("id"))
        .order_by("version__number")
    )
    return [(row["version__number"], row["n"]) for row in rows]


def dry_run(
    instance_ids: list[int], *, actor: Actor, version_number: int, restart_timers: bool
) -> list[Rehearsal]:
    """Each move rehearsed (run, then rolled back): exactly what the batch would do to each."""
    require(actor, PERMISSION)
    if len(instance_ids) > MAX_DRY_RUN:
        raise InvalidInput(
            f"A dry run covers at most {MAX_DRY_RUN} instances: narrow the selection.",
            f"试运行最多 {MAX_DRY_RUN} 个实例，请缩小选择范围。",
            fields=[FieldError("instances", "too_many", f"最多 {MAX_DRY_RUN} 个", f"at most {MAX_DRY_RUN}")],
        )
    return [
        rehearse(pk, actor=actor, version_number=version_number, restart_timers=restart_timers)
        for pk in instance_ids
    ]


def start(
    key: str,
    instance_ids: list[int],
    *,
    actor: Actor,
    version_number: int,
    reason: str,
    restart_timers: bool = False,
) -> MigrationBatch:
    """Create the batch and its items and queue the job (when the transaction commits)."""
    require(actor, PERMISSION)
    require_reason(reason)
    user = acting_user(actor)
    if user is None:
        raise PermissionDenied("Sign in to migrate instances.", "请先登录。")
    model, _newest = model_and_newest(key)
    target = ProcessModelVersion.objects.filter(process_model=model, number=version_number).first()
    if target is None:
        raise InvalidInput(
            "The process model has no such version.",
            "流程模型没有该版本。",
            fields=[FieldError("version", "not_found", "版本不存在", "no such version")],
        )
    ids = sorted(set(instance_ids))
    instances = list(
        ProcessInstance.objects.filter(pk__in=ids, version__process_model=model)
        .exclude(version=target)
        .select_related("version")
    )
    if not instances or len(ids) > MAX_BATCH:
        raise InvalidInput(
            f"Choose 1 to {MAX_BATCH} instances of {key} that run another version.",
            f"请选择 1 至 {MAX_BATCH} 个运行其他版本的 {key} 实例。",
            fields=[
                FieldError("instances", "required", "请选择要迁移的实例", "choose the instances to move")
            ],
        )
    with write_transaction():
        batch = MigrationBatch.objects.create(
            process_model=model,
            target_version=target,
            reason=reason.strip(),
            restart_timers=restart_timers,
            created_by=user,
        )
        MigrationItem.objects.bulk_create(
            MigrationItem(batch=batch, instance=instance, from_version=instance.version.number)
            for instance in instances
        )
        audit(
            Action.MIGRATION_BATCH_STARTED,
            actor,
            target_type="migration_batch",
            target_id=batch.pk,
            reason=batch.reason,
            after={"model": key, "to_version": target.number, "instances": len(instances)},
        )
        queue(batch.pk)
    return batch


def queue(batch_id: int) -> None:
    """Queue the batch's job once the transaction commits (a no-op for a finished batch)."""
    from .tasks import run_batch

    transaction.on_commit(lambda: run_batch.delay(batch_id))


def _next_item(batch_id: int) -> MigrationItem | None:
    return (
        MigrationItem.objects.select_for_update(skip_locked=True)
        .filter(batch_id=batch_id, status=MigrationItem.Status.PENDING)
        .order_by("id")
        .first()
    )


def _move(batch: MigrationBatch, item: MigrationItem) -> None:
    """Move one instance, recording its outcome on the item in the same transaction; a refusal
    (a blocked plan, a status that cannot move) is recorded instead of the move."""
    try:
        with transaction.atomic():
            migration.migrate(
                item.instance_id,
                actor=batch.created_by,
                reason=batch.reason,
                version_number=batch.target_version.number,
                via=f"batch {batch.pk}",
                restart_timers=batch.restart_timers,
            )
        item.status = MigrationItem.Status.MOVED
    except ServiceError as exc:
        item.status = MigrationItem.Status.REFUSED
        item.message, item.message_en = exc.message_zh, exc.message_en
    except Exception as exc:  # the job is an edge: one instance's fault must not stall the rest
        logger.exception("batch %s could not move instance %s", batch.pk, item.instance_id)
        item.status = MigrationItem.Status.FAILED
        item.message = item.message_en = f"{type(exc).__name__}: {exc}"[:1000]
    item.finished_at = timezone.now()
    item.save(update_fields=["status", "message", "message_en", "finished_at"])


def run(batch_id: int) -> None:
    """Move the batch's pending instances, one transaction each, then close the batch."""
    batch = MigrationBatch.objects.select_related("target_version", "created_by", "process_model").get(
        pk=batch_id
    )
    while True:
        with write_transaction():
            item = _next_item(batch_id)
            if item is None:
                break
            _move(batch, item)
    _finish(batch)


def _finish(batch: MigrationBatch) -> None:
    with write_transaction():
        locked = MigrationBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == MigrationBatch.Status.FINISHED:
            return
        if MigrationItem.objects.filter(batch=locked, status=MigrationItem.Status.PENDING).exists():
            return  # another job is still at work on the rest
        locked.status = MigrationBatch.Status.FINISHED
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        audit(
            Action.MIGRATION_BATCH_FINISHED,
            locked.created_by,
            target_type="migration_batch",
            target_id=locked.pk,
            after={"model": locked.process_model.key, **progress(locked)["counts"]},
        )


def progress(batch: MigrationBatch) -> dict[str, Any]:
    counts = {status: 0 for status in MigrationItem.Status.values}
    for row in batch.items.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    done = total - counts[MigrationItem.Status.PENDING]
    return {
        "counts": counts,
        "total": total,
        "done": done,
        "percent": round(100 * done / total) if total else 100,
    }


def get(batch_id: int, *, actor: Actor) -> MigrationBatch:
    require(actor, PERMISSION)
    batch = (
        MigrationBatch.objects.select_related("process_model", "target_version", "created_by")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        raise NotFound(f"Migration batch {batch_id} does not exist.", f"批量迁移 {batch_id} 不存在。")
    return batch


def resume(batch_id: int, *, actor: Actor) -> MigrationBatch:
    """Queue the job again for a batch whose job is gone (items still pending); harmless if it
    is not gone: two jobs share the remaining items."""
    batch = get(batch_id, actor=actor)
    if batch.status == MigrationBatch.Status.RUNNING:
        with write_transaction():
            queue(batch.pk)
    return batch
