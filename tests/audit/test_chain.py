"""The canonical form and hash, without a database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from audit.chain import (
    GENESIS_HASH,
    canonical,
    canonical_parts,
    compute_hash,
    event_hash,
    format_timestamp,
)
from audit.verify import check_events


@dataclass
class FakeEvent:
    id: int = 1
    occurred_at: datetime = datetime(2025, 3, 1, 8, 30, 0, 5, tzinfo=UTC)
    actor_id: int | None = 7
    actor_username: str = "张三"
    actor_role: str = "office_staff"
    actor_org_unit: str = "岳阳市场监管所"
    action: str = "task.completed"
    target_type: str = "human_task"
    target_id: str = "42"
    business_key: str = "NQI-2025-0001"
    instance_id: int | None = 9
    before: Any = None
    after: Any = field(default_factory=lambda: {"b": 1, "a": [1, 2]})
    reason: str = ""
    request_id: str = "req-1"
    client_ip: str | None = "10.0.0.1"
    prev_hash: str = GENESIS_HASH
    hash: str = ""


def test_genesis_is_64_zeros() -> None:
    assert GENESIS_HASH == "0" * 64


def test_canonical_is_sorted_compact_unescaped_json_of_every_field() -> None:
    text = canonical(FakeEvent())
    payload = json.loads(text)
    assert list(payload) == sorted(payload)
    assert set(payload) == {
        "id", "occurred_at", "actor_id", "actor_username", "actor_role", "actor_org_unit", "action",
        "target_type", "target_id", "business_key", "instance_id", "before", "after", "reason",
        "request_id", "client_ip",
    }  # fmt: skip
    assert "张三" in text
    assert ", " not in text and ": " not in text
    assert payload["after"] == {"a": [1, 2], "b": 1}
    assert text.index('"a"') < text.index('"b"')


def test_timestamp_is_utc_with_microseconds() -> None:
    shanghai = timezone(timedelta(hours=8))
    assert (
        format_timestamp(datetime(2025, 3, 1, 16, 30, 0, 5, tzinfo=shanghai)) == "2025-03-01T08:30:00.000005Z"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp(datetime(2025, 3, 1))


def test_compute_hash_is_sha256_of_prev_plus_canonical() -> None:
    expected = hashlib.sha256(("ab" * 32 + "{}").encode()).hexdigest()
    assert compute_hash("ab" * 32, "{}") == expected


def test_any_field_change_changes_the_hash() -> None:
    base = event_hash(GENESIS_HASH, FakeEvent())
    assert event_hash(GENESIS_HASH, FakeEvent(reason="x")) != base
    assert event_hash(GENESIS_HASH, FakeEvent(id=2)) != base
    assert event_hash("1" * 64, FakeEvent()) != base


def _chain(count: int) -> list[FakeEvent]:
    events, prev = [], GENESIS_HASH
    for number in range(1, count + 1):
        event = FakeEvent(id=number, prev_hash=prev)
        event.hash = event_hash(prev, event)
        events.append(event)
        prev = event.hash
    return events


def test_check_events_accepts_a_valid_chain() -> None:
    report = check_events(_chain(3))
    assert report.ok and report.events_checked == 3
    assert report.last_event_id == 3
    assert report.message == "OK: 3 events verified"


def test_check_events_names_the_first_changed_event() -> None:
    events = _chain(4)
    events[1] = replace(events[1], reason="edited")
    report = check_events(events)
    assert not report.ok
    assert report.first_bad_event_id == 2
    assert "hash mismatch" in report.message


def test_check_events_notices_a_removed_event() -> None:
    events = _chain(4)
    del events[1]
    report = check_events(events)
    assert report.first_bad_event_id == 3
    assert "prev_hash mismatch" in report.message


def test_canonical_form_of_an_existing_event_is_pinned() -> None:
    # Every stored hash depends on this spelling; a change here would break every chain.
    event = FakeEvent(after={"b": 1, "a": [1, 2.5, None, True, "张三 😀"], "big": 10**20, "tiny": 1.5e-07})
    pinned = "cd9dd0441e040010100ab473f4438875cf73e2284feba1f09a58bf877da7414d"
    assert event_hash(GENESIS_HASH, event) == pinned


def test_check_events_reports_every_changed_event_once() -> None:
    events = _chain(10)
    events[1] = replace(events[1], reason="edited")
    events[6] = replace(events[6], target_id="forged")
    report = check_events(events)
    assert not report.ok and report.events_checked == 10
    assert (report.broken_count, report.broken_event_ids, report.first_bad_event_id) == (2, (2, 7), 2)
    assert report.message.count("hash mismatch") == 2 and "prev_hash" not in report.message


def test_check_events_reports_a_removal_once_and_goes_on_from_there() -> None:
    events = _chain(8)
    del events[2]  # event 3
    events[5] = replace(events[5], reason="edited")  # event 7
    report = check_events(events)
    assert report.broken_event_ids == (4, 7) and report.broken_count == 2
    assert "event 4 is broken: prev_hash mismatch" in report.message
    assert "event 7 is broken: hash mismatch" in report.message


def test_check_events_reports_an_inserted_event() -> None:
    events = _chain(5)
    intruder = FakeEvent(id=99, prev_hash=events[1].hash, reason="slipped in")
    intruder.hash = event_hash(intruder.prev_hash, intruder)
    events.insert(2, intruder)
    report = check_events(events)
    # The intruder itself links well; the event after it no longer does.
    assert report.broken_event_ids == (3,) and report.events_checked == 6


def test_check_events_keeps_the_exact_count_but_a_bounded_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from audit import verify

    monkeypatch.setattr(verify, "MAX_LISTED_IDS", 5)
    monkeypatch.setattr(verify, "MAX_DETAILED", 2)
    events = [replace(event, reason="edited") if event.id % 2 else event for event in _chain(40)]
    report = check_events(events)
    assert report.broken_count == 20 and report.broken_event_ids == (1, 3, 5, 7, 9)
    assert report.message.startswith("20 events are broken (40 events checked): event 1 is broken")
    assert report.message.endswith("; and 18 more")


def test_check_events_streams_in_flat_memory() -> None:
    import tracemalloc

    def broken_events(count: int) -> Iterator[FakeEvent]:
        # Every event broken (none hashed), produced one at a time: nothing may pile up.
        for number in range(1, count + 1):
            yield FakeEvent(id=number, prev_hash="f" * 64, hash="e" * 64)

    tracemalloc.start()
    try:
        report = check_events(broken_events(5_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.broken_count == 5_000 and len(report.broken_event_ids) == 1000
    assert peak < 1_000_000, peak


# Values that could confuse a split of the canonical text: the stand-ins themselves, quotes,
# backslashes, control characters, an "id" key nested inside before/after, non-BMP characters.
AWKWARD_VALUES: list[dict[str, Any]] = [
    {},
    {"reason": '"id":"\x00id", "occurred_at":'},
    {"after": {"id": "\x00id", "occurred_at": "\x00occurred_at"}},
    {"before": ["\\", '"', "\n\t", "\x00", "😀"], "actor_username": '王"五\\'},
    {"target_id": '","id":1,"', "business_key": "\u2028\u2029"},
    {"actor_id": None, "instance_id": None, "client_ip": None, "before": None, "after": None},
]


@pytest.mark.parametrize("overrides", AWKWARD_VALUES)
def test_canonical_parts_reassemble_the_canonical_text(overrides: dict[str, Any]) -> None:
    event = replace(FakeEvent(id=123456789), **overrides)
    head, middle, tail = canonical_parts(event)
    assembled = head + str(event.id) + middle + format_timestamp(event.occurred_at) + tail
    assert assembled == canonical(event)


def test_canonical_parts_do_not_depend_on_id_or_time() -> None:
    # The database fills both in; the pieces must be the same whatever they are.
    first = FakeEvent(id=1, occurred_at=datetime(2025, 1, 1, tzinfo=UTC))
    later = replace(first, id=99, occurred_at=datetime(2030, 6, 1, 3, 4, 5, 6, tzinfo=UTC))
    assert canonical_parts(first) == canonical_parts(later)
