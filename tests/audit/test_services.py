from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from audit import context
from audit.actions import Action
from audit.chain import GENESIS_HASH, event_hash
from audit.models import AuditEvent
from audit.services import events_for_instance, filter_events, record
from audit.verify import check_events

MakeEvent = Callable[..., AuditEvent]
pytestmark = pytest.mark.django_db


def test_records_form_a_valid_chain(make_event: MakeEvent, plain_user: AbstractUser) -> None:
    first = make_event(Action.INSTANCE_STARTED, actor=plain_user, instance_id=5, business_key="NQI-1")
    make_event(Action.TASK_CREATED, instance_id=5, after={"title": "受理"})
    make_event(Action.TASK_COMPLETED, actor=plain_user, reason="材料齐全", before={"x": 1}, after={"x": 2})

    assert first.prev_hash == GENESIS_HASH
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    report = check_events(events)
    assert report.ok and report.events_checked == 3


def test_record_copies_the_actor(make_event: MakeEvent, plain_user: AbstractUser) -> None:
    event = make_event(actor=plain_user, actor_role="office_staff", actor_org_unit="岳阳所")
    assert (event.actor_id, event.actor_username) == (plain_user.pk, "clerk")
    assert (event.actor_role, event.actor_org_unit) == ("office_staff", "岳阳所")


def test_anonymous_actor_is_recorded_as_nobody(make_event: MakeEvent) -> None:
    from django.contrib.auth.models import AnonymousUser

    event = make_event(Action.USER_LOGIN_FAILED, actor=AnonymousUser(), target_type="user", target_id="who")
    assert event.actor_id is None and event.actor_username == ""


def test_hash_covers_what_the_database_gives_back(make_event: MakeEvent) -> None:
    # jsonb respells 1e+16 as an integer and inet respells IPv6; the chain must still verify.
    make_event(
        before={"big": 1e16, "tiny": 1.5e-7, "due": dt.date(2025, 1, 31), "fee": Decimal("1.10")},
        after=[1, "二", None, True],
        client_ip="2001:DB8:0:0::1",
    )
    stored = AuditEvent.objects.get()
    assert stored.before is not None
    assert stored.before["due"] == "2025-01-31"
    assert stored.client_ip == "2001:db8::1"
    assert event_hash(stored.prev_hash, stored) == stored.hash


@pytest.mark.parametrize(
    "overrides",
    [
        {"reason": 'quotes " and backslashes \\ and "id":"x"', "actor_org_unit": "岳阳所"},
        {"after": {"id": 5, "occurred_at": "yesterday", "nested": {"z": [1.25, None, "😀"]}}},
        {"before": "a bare string", "business_key": "\u2028line\u2029separators"},
        {"target_id": '","id":1,"', "request_id": "r\t1"},
    ],
)
def test_the_databases_hash_is_the_one_python_computes(make_event: MakeEvent, overrides: dict) -> None:
    # audit_append() hashes in SQL; audit_verify recomputes in Python. They must agree on anything.
    make_event(**overrides)
    stored = AuditEvent.objects.get()
    assert event_hash(stored.prev_hash, stored) == stored.hash


def test_a_batch_is_linked_in_order_and_stamped_once(plain_user: AbstractUser) -> None:
    from audit.services import batch

    with transaction.atomic(), batch():
        returned = [
            record(Action.TASK_CREATED, target_type="human_task", target_id=str(n), after={"n": n})
            for n in range(3)
        ]
    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.id for e in returned] == [e.id for e in stored]
    assert [e.hash for e in returned] == [e.hash for e in stored]
    assert [e.prev_hash for e in stored[1:]] == [e.hash for e in stored[:-1]]
    assert len({e.occurred_at for e in stored}) == 1
    assert check_events(stored).ok


def test_request_context_fills_request_id_and_ip(make_event: MakeEvent) -> None:
    with context.bound("req-abc", "192.0.2.7"):
        event = make_event()
    assert (event.request_id, event.client_ip) == ("req-abc", "192.0.2.7")
    explicit = make_event(request_id="job-1", client_ip="198.51.100.1")
    assert (explicit.request_id, explicit.client_ip) == ("job-1", "198.51.100.1")


def test_occurred_at_follows_chain_order(make_event: MakeEvent) -> None:
    first, second = make_event(), make_event()
    assert first.occurred_at <= second.occurred_at
    assert first.id < second.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target_type": ""}, "target_type"),
        ({"target_id": "x" * 129}, "target_id"),
        ({"before": {"bad": float("nan")}}, "before"),
        ({"after": {"bad": object()}}, "after"),
        ({"instance_id": "12"}, "instance_id"),
        ({"client_ip": "not-an-ip"}, "client_ip"),
    ],
)
def test_bad_values_are_refused_before_touching_the_chain(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message), transaction.atomic():
        record(Action.TASK_CREATED, **{"target_type": "t", "target_id": "1", **overrides})
    assert not AuditEvent.objects.exists()


def test_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError), transaction.atomic():
        record("task.exploded", target_type="t", target_id="1")


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_raises() -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        record(Action.TASK_CREATED, target_type="t", target_id="1")
    assert not AuditEvent.objects.exists()


def test_events_for_instance_is_that_instances_history(make_event: MakeEvent) -> None:
    a1 = make_event(instance_id=1)
    make_event(instance_id=2)
    a2 = make_event(Action.INSTANCE_COMPLETED, instance_id=1)
    assert list(events_for_instance(1)) == [a1, a2]


def test_filter_events(make_event: MakeEvent, plain_user: AbstractUser) -> None:
    mine = make_event(Action.TASK_CLAIMED, actor=plain_user, target_id="7", business_key="K-1")
    other = make_event(Action.TASK_COMPLETED, target_type="service_case", target_id="8")
    qs = AuditEvent.objects.all()

    assert list(filter_events(qs, actor=plain_user)) == [mine]
    assert list(filter_events(qs, actor="clerk")) == [mine]
    assert list(filter_events(qs, action=Action.TASK_COMPLETED)) == [other]
    assert list(filter_events(qs, target_type="service_case", target_id="8")) == [other]
    assert list(filter_events(qs, business_key="K-1")) == [mine]
    assert list(filter_events(qs, since=other.occurred_at)) == [other]
    assert list(filter_events(qs, until=other.occurred_at)) == [mine]
    assert list(filter_events(qs)) == [mine, other]


def test_actor_filter_finds_a_renamed_user_under_both_names(
    make_event: MakeEvent, plain_user: AbstractUser
) -> None:
    event = make_event(actor=plain_user)
    plain_user.username = "clerk-renamed"
    plain_user.save()
    qs = AuditEvent.objects.all()
    assert list(filter_events(qs, actor="clerk")) == [event]
    assert list(filter_events(qs, actor="clerk-renamed")) == [event]
    assert AuditEvent.objects.get().actor_username == "clerk"


@pytest.mark.django_db
def test_sign_ins_and_failures_are_audited(client: Any, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("signer", password="pw-12345678")
    client.post("/accounts/login/", {"username": "signer", "password": "wrong"})
    client.post("/accounts/login/", {"username": "signer", "password": "pw-12345678"})
    failed = AuditEvent.objects.get(action="user.login_failed")
    assert failed.target_id == "signer" and failed.actor_id is None
    assert "wrong" not in str(failed.before) + str(failed.after)
    signed = AuditEvent.objects.get(action="user.login")
    assert signed.actor_id == user.pk
