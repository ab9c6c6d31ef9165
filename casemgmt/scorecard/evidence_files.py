"""Evidence files on disk: removed when no evidence row refers to them any more.

An office's evaluation starts from copies of the operator's evidence rows that point at the same
stored file, so a file goes only when its last row goes, and only after that deletion commits
(a rolled-back removal must find its file still there). Files a rolled-back upload left behind,
or any other stray, are swept by `purge_orphans` (daily beat job), which spares recent files so
that it can never race an upload still in its transaction.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .models import Evidence

logger = logging.getLogger(__name__)
EVIDENCE_ROOT = "scorecard"
# Older than any transaction that could still be saving an upload.
ORPHAN_GRACE = timedelta(days=1)


def release(name: str) -> None:
    """After the current transaction commits, delete `name` unless an evidence row still uses it."""
    if not name:
        return

    def delete_if_unused() -> None:
        if not Evidence.objects.filter(file=name).exists():
            _delete(name)

    transaction.on_commit(delete_if_unused)


def purge_orphans(grace: timedelta = ORPHAN_GRACE) -> int:
    """Delete stored evidence files no row refers to and older than `grace`; returns how many."""
    cutoff = timezone.now() - grace
    stored = list(_walk(EVIDENCE_ROOT))
    used = set(Evidence.objects.filter(file__in=stored).values_list("file", flat=True))
    deleted = 0
    for name in stored:
        if name in used or default_storage.get_modified_time(name) > cutoff:
            continue
        _delete(name)
        deleted += 1
    return deleted


def _walk(folder: str) -> list[str]:
    if not default_storage.exists(folder):
        return []
    folders, files = default_storage.listdir(folder)
    found = [f"{folder}/{name}" for name in files]
    for sub in folders:
        found.extend(_walk(f"{folder}/{sub}"))
    return found


def _delete(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:  # gone already, or the disk refuses: the daily sweep tries again
        logger.warning("evidence file %s could not be deleted", name, exc_info=True)
