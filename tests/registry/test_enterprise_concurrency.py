"""Simultaneous first submissions of one credit code end with one row (real PostgreSQL, threads)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from audit.actions import Action
from audit.models import AuditEvent
from audit.verify import verify_chain
from casemgmt.enterprises import upsert_enterprise
from casemgmt.models import Enterprise
from tests.factories import valid_uscc
from workflows.guard import write_transaction

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 8


def test_concurrent_first_submissions_make_one_row() -> None:
    code = valid_uscc(4242)
    barrier = threading.Barrier(WORKERS)
    results: list[Any] = [None] * WORKERS

    def body(i: int) -> None:
        try:
            barrier.wait()
            # As intake calls it: inside an enclosing write transaction.
            with write_transaction():
                results[i] = upsert_enterprise(code, name=f"并发企业{i}", actor=None, industry=f"行业{i}")
        except Exception as exc:  # collected and asserted below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, Enterprise) for r in results), results
    assert Enterprise.objects.filter(credit_code=code).count() == 1
    assert len({r.pk for r in results}) == 1
    registered = AuditEvent.objects.filter(target_id=code, action=Action.ENTERPRISE_REGISTERED.value)
    assert registered.count() == 1
    assert verify_chain().ok
