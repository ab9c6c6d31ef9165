"""Many writers at once must still produce one unbroken chain."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import record
from audit.verify import verify_chain

WRITERS = 20
EVENTS_PER_WRITER = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_build_one_valid_chain() -> None:
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait(timeout=30)
            for step in range(EVENTS_PER_WRITER):
                with transaction.atomic():
                    record(Action.TASK_COMPLETED, target_type="writer", target_id=f"{number}-{step}")
                    # Hold the chain lock a moment so the other writers really queue behind it.
                    time.sleep(0.001)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    expected = {f"{n}-{s}" for n in range(WRITERS) for s in range(EVENTS_PER_WRITER)}
    assert set(AuditEvent.objects.values_list("target_id", flat=True)) == expected
    result = verify_chain()
    assert result.ok, result.message
    assert result.events_checked == WRITERS * EVENTS_PER_WRITER
