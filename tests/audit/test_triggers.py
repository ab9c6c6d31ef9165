"""The database itself refuses to rewrite the log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent, ChainVerification
from audit.verify import verify_chain

MakeEvent = Callable[..., AuditEvent]
pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list | None = None) -> None:
    # The savepoint keeps the test's own transaction usable after the refusal.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_update_is_refused_and_changes_nothing(make_event: MakeEvent) -> None:
    event = make_event(reason="original")
    _refused("UPDATE audit_auditevent SET reason = 'forged' WHERE id = %s", [event.id])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="forged")
    assert AuditEvent.objects.get(pk=event.pk).reason == "original"


def test_delete_is_refused_and_removes_nothing(make_event: MakeEvent) -> None:
    event = make_event()
    _refused("DELETE FROM audit_auditevent WHERE id = %s", [event.id])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# Committed rows: TRUNCATE in the transaction that inserted them trips over pending FK checks.
@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_unless_the_session_opts_in(make_event: MakeEvent) -> None:
    make_event()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test database opts in (see conftest); switch that off for this transaction only.
        cursor.execute("SET LOCAL nqi_audit.allow_truncate = 'off'")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_verification_records_are_append_only_too(make_event: MakeEvent) -> None:
    result = verify_chain()
    _refused("UPDATE audit_chainverification SET ok = NOT ok WHERE id = %s", [result.id])
    _refused("DELETE FROM audit_chainverification WHERE id = %s", [result.id])
    assert ChainVerification.objects.filter(pk=result.pk, ok=result.ok).exists()
