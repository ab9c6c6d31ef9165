from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent, ChainVerification
from audit.verify import latest_verification

MakeEvent = Callable[..., AuditEvent]


@pytest.mark.django_db
def test_intact_chain_verifies_and_the_run_is_stored(
    make_event: MakeEvent, capsys: pytest.CaptureFixture
) -> None:
    for _ in range(5):
        make_event()
    call_command("audit_verify")
    assert "OK: 5 events verified" in capsys.readouterr().out
    latest = latest_verification()
    assert latest is not None and latest.ok and latest.events_checked == 5
    assert latest.last_event_id == AuditEvent.objects.latest("id").id


@pytest.mark.django_db
def test_empty_log_verifies() -> None:
    call_command("audit_verify")
    assert ChainVerification.objects.get().message == "OK: 0 events verified"


@pytest.mark.django_db(transaction=True)
def test_tampered_reason_is_named(make_event: MakeEvent, triggers_off: None) -> None:
    events = [make_event(reason=f"step {n}") for n in range(4)]
    victim = events[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'nothing to see' WHERE id = %s", [victim.id])

    with pytest.raises(CommandError, match=rf"event {victim.id} is broken: hash mismatch"):
        call_command("audit_verify")
    stored = ChainVerification.objects.get()
    # The walk goes on past the break: all four events are checked, one of them is broken.
    assert (stored.ok, stored.first_bad_event_id, stored.events_checked) == (False, victim.id, 4)
    assert (stored.broken_count, stored.broken_event_ids) == (1, [victim.id])


@pytest.mark.django_db(transaction=True)
def test_deleted_event_breaks_the_link_of_the_next(make_event: MakeEvent, triggers_off: None) -> None:
    events = [make_event() for _ in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    with pytest.raises(CommandError, match=rf"event {events[2].id} is broken: prev_hash mismatch"):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_cut_off_tail_is_caught_by_the_last_runs_anchor(make_event: MakeEvent, triggers_off: None) -> None:
    events = [make_event() for _ in range(3)]
    call_command("audit_verify")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])

    with pytest.raises(CommandError, match=rf"event {events[-1].id}, verified at .* is missing"):
        call_command("audit_verify")
