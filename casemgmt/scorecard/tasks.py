"""Celery job that removes evidence files no evaluation refers to (scheduled daily in settings)."""

from __future__ import annotations

from celery import shared_task

from . import evidence_files


@shared_task(name="scorecard.purge_evidence_orphans")
def purge_evidence_orphans() -> int:
    return evidence_files.purge_orphans()
