"""Recomputing the audit chain and recording the outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .chain import GENESIS_HASH, ChainedEvent, event_hash
from .models import AuditEvent, ChainVerification

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    message: str
    first_bad_event_id: int | None = None
    last_event_id: int | None = None
    last_hash: str = ""


def check_events(events: Iterable[ChainedEvent]) -> ChainReport:
    """Walk `events` in chain order and stop at the first one that does not fit.

    Pure: no database access beyond iterating `events`, so it can be tested with plain objects.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    for event in events:
        if event.prev_hash != expected_prev:
            return _broken(event, checked, "prev_hash mismatch: it does not point at the preceding event")
        if event_hash(event.prev_hash, event) != event.hash:
            return _broken(event, checked, "hash mismatch: its content was changed after it was written")
        checked += 1
        expected_prev = event.hash
        last_id = event.id
    last_hash = expected_prev if last_id is not None else ""
    return ChainReport(True, checked, f"OK: {checked} events verified", None, last_id, last_hash)


def verify_chain() -> ChainVerification:
    """Check the whole chain, streaming it, and store the result."""
    # Streamed in id order with a server-side cursor so memory stays flat on a large log.
    report = check_events(AuditEvent.objects.order_by("id").iterator(chunk_size=CHUNK_SIZE))
    if report.ok:
        report = _check_anchor(report)
    return ChainVerification.objects.create(
        ok=report.ok,
        events_checked=report.events_checked,
        first_bad_event_id=report.first_bad_event_id,
        last_event_id=report.last_event_id,
        last_hash=report.last_hash,
        message=report.message,
    )


def latest_verification() -> ChainVerification | None:
    return ChainVerification.objects.order_by("-checked_at", "-id").first()


def _check_anchor(report: ChainReport) -> ChainReport:
    """A valid chain can still have lost its newest events; the last good run remembers them."""
    anchor = ChainVerification.objects.filter(ok=True, last_event_id__isnull=False).order_by("-id").first()
    if anchor is None or anchor.last_event_id is None:
        return report
    if AuditEvent.objects.filter(id=anchor.last_event_id, hash=anchor.last_hash).exists():
        return report
    return ChainReport(
        ok=False,
        events_checked=report.events_checked,
        message=(
            f"event {anchor.last_event_id}, verified at {anchor.checked_at.isoformat()}, is missing "
            "or changed: events were removed from the end of the chain"
        ),
        first_bad_event_id=anchor.last_event_id,
        last_event_id=report.last_event_id,
        last_hash=report.last_hash,
    )


def _broken(event: ChainedEvent, checked: int, problem: str) -> ChainReport:
    return ChainReport(
        ok=False,
        events_checked=checked,
        message=f"event {event.id} is broken: {problem} ({checked} events before it verified)",
        first_bad_event_id=event.id,
    )
