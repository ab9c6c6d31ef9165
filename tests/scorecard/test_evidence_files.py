"""Evidence files leave the disk when the last evidence row using them goes, and strays are swept."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from casemgmt.models import ServiceProject
from casemgmt.scorecard.attachments import add_evidence, remove_evidence
from casemgmt.scorecard.evidence_files import purge_orphans
from casemgmt.scorecard.models import Evidence
from casemgmt.scorecard.services import create_evaluation
from casemgmt.scorecard.submission import submit_evaluation
from tests.personas import Cast

from .helpers import END, START, judge, pdf, tick_all_checklists

pytestmark = pytest.mark.django_db


def stored(evidence: Evidence, media_root: Path) -> Path:
    return media_root / evidence.file.name


def test_removing_evidence_deletes_its_file_once_committed(
    project_a: ServiceProject, cast: Cast, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add_evidence(evaluation, 1, 1, pdf(), actor=cast.operator_a)
    path = stored(evidence, media_root)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(evidence.pk, actor=cast.operator_a)
    assert not path.exists()


def test_a_removal_that_rolls_back_keeps_the_file(
    project_a: ServiceProject, cast: Cast, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    evidence = add_evidence(evaluation, 1, 1, pdf(), actor=cast.operator_a)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        remove_evidence(evidence.pk, actor=cast.operator_a)
        raise RuntimeError("the caller's later step failed")
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert stored(evidence, media_root).exists()


def test_a_file_the_office_still_uses_stays(
    project_a: ServiceProject, cast: Cast, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    own = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    tick_all_checklists(own, cast.operator_a)
    judge(own, cast.operator_a)
    evidence = add_evidence(own, 1, 1, pdf(), actor=cast.operator_a)
    own = submit_evaluation(own, actor=cast.operator_a)
    office = create_evaluation(project_a, START, END, stage="office", based_on=own, actor=cast.office_a)
    copy = Evidence.objects.get(score__evaluation=office, file=evidence.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(copy.pk, actor=cast.office_a)
    assert stored(evidence, media_root).exists(), "the operator's submitted evaluation still shows it"


def test_the_sweep_removes_old_strays_only(project_a: ServiceProject, cast: Cast, media_root: Path) -> None:
    evaluation = create_evaluation(project_a, START, END, stage="self", actor=cast.operator_a)
    used = add_evidence(evaluation, 1, 1, pdf(), actor=cast.operator_a)
    old_stray = default_storage.save("scorecard/2020/01/stray.pdf", ContentFile(b"%PDF-1.4 stray"))
    fresh_stray = default_storage.save("scorecard/2026/11/uploading.pdf", ContentFile(b"%PDF-1.4 new"))
    long_ago = time.time() - 3 * 86400
    for name in (old_stray, used.file.name):
        os.utime(media_root / name, (long_ago, long_ago))
    assert purge_orphans() == 1
    assert not (media_root / old_stray).exists()
    assert (media_root / fresh_stray).exists(), "may belong to an upload still in its transaction"
    assert stored(used, media_root).exists()


def test_the_sweep_is_scheduled_daily() -> None:
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["purge-evidence-orphans"]
    assert entry["task"] == "scorecard.purge_evidence_orphans" and entry["schedule"] == 86400.0
    app.loader.import_default_modules()
    assert "scorecard.purge_evidence_orphans" in app.tasks
