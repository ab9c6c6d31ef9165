"""How an audit event is turned into bytes and linked to the one before it.

The canonical form must be reproducible from what the database gives back years later, so it
uses only stable JSON settings and spells the time in UTC with microseconds (PostgreSQL's
timestamptz precision). Changing anything here invalidates every stored hash: don't.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Protocol

GENESIS_HASH = "0" * 64

# Every stored column except the two hashes; `actor_id` because the user row may change.
CANONICAL_FIELDS: tuple[str, ...] = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "actor_org_unit",
    "action",
    "target_type",
    "target_id",
    "business_key",
    "instance_id",
    "before",
    "after",
    "reason",
    "request_id",
    "client_ip",
)


class EventLike(Protocol):
    """The attributes canonicalization reads; an `AuditEvent` satisfies it."""

    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_username: str
    actor_role: str
    actor_org_unit: str
    action: str
    target_type: str
    target_id: str
    business_key: str
    instance_id: int | None
    before: Any
    after: Any
    reason: str
    request_id: str
    client_ip: str | None


class ChainedEvent(EventLike, Protocol):
    prev_hash: str
    hash: str


def format_timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        # A naive time has no single meaning; hashing it would make verification depend on
        # the server's time zone.
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _encode(payload: Any) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _payload(event: EventLike, occurred_at: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        name: getattr(event, name) for name in CANONICAL_FIELDS if name != "occurred_at"
    }
    payload["occurred_at"] = occurred_at
    # str() so that a value given as a plain string or as the enum hashes the same.
    payload["action"] = str(event.action)
    return payload


def canonical(event: EventLike) -> str:
    return _encode(_payload(event, format_timestamp(event.occurred_at)))


_SORTED_NAMES = sorted(CANONICAL_FIELDS)
_HEAD_NAMES = _SORTED_NAMES[: _SORTED_NAMES.index("id")]
_MIDDLE_NAMES = _SORTED_NAMES[_SORTED_NAMES.index("id") + 1 : _SORTED_NAMES.index("occurred_at")]
_TAIL_NAMES = _SORTED_NAMES[_SORTED_NAMES.index("occurred_at") + 1 :]


def _members(payload: dict[str, Any], names: list[str]) -> str:
    """The comma-separated `"name":value` members of `names`, as canonical() spells them: the
    sorted-keys encoding of a sub-dict with its braces cut off (one dumps call, not one per key)."""
    if not names:
        return ""
    return _encode({name: payload[name] for name in names})[1:-1]


def canonical_parts(event: EventLike) -> tuple[str, str, str]:
    """(head, middle, tail) with canonical(event) == head + str(id) + middle + time + tail, where
    time is format_timestamp(occurred_at): the pieces the database completes and hashes when it
    appends (audit_append, migration 0006). Each piece encodes whole members in canonical()'s
    sorted order, so no value, however odd, can move a boundary."""
    payload = _payload(event, "")
    head = "{" + _join(_members(payload, _HEAD_NAMES), '"id":')
    middle = "".join("," + part for part in (_members(payload, _MIDDLE_NAMES), '"occurred_at":"') if part)
    tail = '"' + "".join("," + part for part in (_members(payload, _TAIL_NAMES),) if part) + "}"
    return head, middle, tail


def _join(*parts: str) -> str:
    return ",".join(part for part in parts if part)


def compute_hash(prev_hash: str, canonical_text: str) -> str:
    return hashlib.sha256((prev_hash + canonical_text).encode()).hexdigest()


def event_hash(prev_hash: str, event: EventLike) -> str:
    return compute_hash(prev_hash, canonical(event))
