"""audit_verify reports every broken event with their count, not just the first one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from audit.chain import event_hash
from audit.models import AuditEvent, ChainVerification
from audit.services import record
from audit.verify import verify_chain
from tests.personas import Cast

MakeEvent = Callable[..., AuditEvent]


def _tamper(event_id: int, reason: str = "nothing to see") -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", [reason, event_id])


@pytest.mark.django_db
def test_clean_chain_reports_no_broken_event(make_event: MakeEvent) -> None:
    for n in range(6):
        make_event(reason=f"step {n}")
    result = verify_chain()
    assert result.ok and result.message == "OK: 6 events verified"
    assert (result.broken_count, result.broken_event_ids, result.first_bad_event_id) == (0, [], None)


@pytest.mark.django_db(transaction=True)
def test_two_tampered_events_far_apart_are_both_reported(
    make_event: MakeEvent, triggers_off: None, capsys: pytest.CaptureFixture
) -> None:
    events = [make_event(reason=f"step {n}") for n in range(30)]
    first, second = events[3], events[26]
    _tamper(first.id)
    _tamper(second.id)

    with pytest.raises(CommandError) as raised:
        call_command("audit_verify")
    message = str(raised.value)
    assert message.startswith("2 events are broken (30 events checked): ")
    assert f"event {first.id} is broken: hash mismatch" in message
    assert f"event {second.id} is broken: hash mismatch" in message
    # Each edit once: the event after an edited one still points at its stored hash.
    assert f"event {first.id + 1}" not in message and "prev_hash" not in message
    assert capsys.readouterr().out.splitlines() == ["Broken events: 2", f"{first.id}, {second.id}"]
    stored = ChainVerification.objects.get()
    assert (stored.ok, stored.events_checked, stored.broken_count) == (False, 30, 2)
    assert (stored.first_bad_event_id, stored.broken_event_ids) == (first.id, [first.id, second.id])


@pytest.mark.django_db(transaction=True)
def test_deleted_event_in_the_middle_is_reported_and_the_walk_goes_on(
    make_event: MakeEvent, triggers_off: None
) -> None:
    events = [make_event(reason=f"step {n}") for n in range(12)]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[4].id])
    _tamper(events[9].id)

    result = verify_chain()
    assert not result.ok and result.events_checked == 11
    # The deletion shows at its successor (once: the walk goes on from that event), the later
    # edit is still found.
    assert result.broken_event_ids == [events[5].id, events[9].id] and result.broken_count == 2
    assert f"event {events[5].id} is broken: prev_hash mismatch" in result.message
    assert f"event {events[9].id} is broken: hash mismatch" in result.message


@pytest.mark.django_db(transaction=True)
def test_a_consistently_rehashed_rewrite_is_caught_by_the_last_runs_anchor(
    make_event: MakeEvent, triggers_off: None
) -> None:
    events = [make_event(reason=f"step {n}") for n in range(4)]
    assert verify_chain().ok
    # The attacker edits the newest verified event and recomputes its hash: the walk alone is
    # content, only the anchor (the hash the last passing run saw) tells.
    victim = events[-1]
    _tamper(victim.id)
    forged = AuditEvent.objects.get(pk=victim.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET hash = %s WHERE id = %s",
            [event_hash(forged.prev_hash, forged), victim.id],
        )

    result = verify_chain()
    assert not result.ok and result.broken_event_ids == [victim.id] and result.broken_count == 1
    assert f"event {victim.id} is broken: its hash is not the one verified at" in result.message


@pytest.mark.django_db(transaction=True)
def test_the_audit_page_shows_the_count_and_every_broken_event(cast: Cast, triggers_off: None) -> None:
    with transaction.atomic():
        events = [record("task.created", target_type="human_task", target_id=str(n)) for n in range(8)]
    _tamper(events[1].id)
    _tamper(events[6].id)
    client = Client()
    client.force_login(cast.auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.post(reverse("audit-verify"), follow=True).content.decode()
    assert 'data-testid="verification-status" data-ok="false"' in html
    assert 'data-testid="broken-count" data-count="2">2 broken events<' in html
    assert "8 events checked" in html
    for victim in (events[1], events[6]):
        assert f'href="{reverse("audit-event", args=[victim.id])}" data-event-id="{victim.id}"' in html

    panel = client.post(reverse("audit-verify"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-count="2"' in panel and f'data-event-id="{events[6].id}"' in panel

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(reverse("audit-review")).content.decode()
    assert "2 条异常事件" in chinese and "已检查 8 条事件" in chinese
