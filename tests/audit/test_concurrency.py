"""Many writers at once must still produce one unbroken chain."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import record
from audit.verify import verify_chain
from tests.concurrency import run_concurrently

WRITERS = 20
EVENTS_PER_WRITER = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_build_one_valid_chain() -> None:
    def writer(number: int) -> None:
        for step in range(EVENTS_PER_WRITER):
            with transaction.atomic():
                record(Action.TASK_COMPLETED, target_type="writer", target_id=f"{number}-{step}")
                # Hold the chain lock a moment so the other writers really queue behind it.
                time.sleep(0.001)

    errors = [r for r in run_concurrently(writer, workers=WRITERS, timeout=120) if r is not None]
    assert errors == []
    expected = {f"{n}-{s}" for n in range(WRITERS) for s in range(EVENTS_PER_WRITER)}
    assert set(AuditEvent.objects.values_list("target_id", flat=True)) == expected
    result = verify_chain()
    assert result.ok, result.message
    assert result.events_checked == WRITERS * EVENTS_PER_WRITER
