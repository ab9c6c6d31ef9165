"""Simultaneous first submissions of one credit code end with one row (real PostgreSQL, threads)."""

from __future__ import annotations

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from audit.verify import verify_chain
from casemgmt.models import Enterprise
from casemgmt.registry.enterprises import upsert_enterprise
from core.service import write_transaction
from tests.concurrency import run_concurrently
from tests.factories import valid_uscc

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 8


def test_concurrent_first_submissions_make_one_row() -> None:
    code = valid_uscc(4242)

    def register(i: int) -> Enterprise:
        # As intake calls it: inside an enclosing write transaction.
        with write_transaction():
            return upsert_enterprise(code, name=f"并发企业{i}", actor=None, industry=f"行业{i}")

    results = run_concurrently(register, workers=WORKERS)
    assert all(isinstance(r, Enterprise) for r in results), results
    assert Enterprise.objects.filter(credit_code=code).count() == 1
    assert len({r.pk for r in results}) == 1
    registered = AuditEvent.objects.filter(target_id=code, action=Action.ENTERPRISE_REGISTERED.value)
    assert registered.count() == 1
    assert verify_chain().ok
