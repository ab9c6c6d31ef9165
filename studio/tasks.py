"""The studio's background job: a batch migration (studio/batches.py). Acknowledged late (the
project's Celery setting), so a job whose worker died is delivered again and carries on."""

from __future__ import annotations

from celery import shared_task

from . import batches


@shared_task(name="studio.run_migration_batch")
def run_batch(batch_id: int) -> None:
    batches.run(batch_id)
