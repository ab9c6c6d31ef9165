"""Recomputing the audit chain and recording the outcome.

The walk reports every broken event, not just the first: stopping there would let one harmless
break (or a deliberate one) hide real tampering further down. After a broken event it goes on
from that event's stored hash, so each alteration is reported once instead of cascading:

- hash mismatch (the event's content no longer gives its hash): the next event still points at
  the stored hash, so only this event is reported;
- prev_hash mismatch (an event before it was deleted, or this one inserted): reported, and the
  walk continues from this event as if it started the chain.

Memory stays flat: events are streamed, and only the first `MAX_LISTED_IDS` ids (and the first
`MAX_DETAILED` descriptions) are kept besides the exact count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .chain import GENESIS_HASH, ChainedEvent, event_hash
from .models import AuditEvent, ChainVerification

CHUNK_SIZE = 2000
MAX_LISTED_IDS = 1000
MAX_DETAILED = 10

PREV_MISMATCH = "prev_hash mismatch: it does not point at the preceding event"
HASH_MISMATCH = "hash mismatch: its content was changed after it was written"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    message: str
    first_bad_event_id: int | None = None
    last_event_id: int | None = None
    last_hash: str = ""
    # Exact number of broken events; their ids in the order found, the first MAX_LISTED_IDS only.
    broken_count: int = 0
    broken_event_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Anchor:
    """The newest event a previous successful run verified, and the hash it had then."""

    event_id: int
    hash: str
    checked_at: datetime


@dataclass
class _Findings:
    count: int = 0
    ids: list[int] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def add(self, event_id: int, detail: str) -> None:
        self.count += 1
        if len(self.ids) < MAX_LISTED_IDS:
            self.ids.append(event_id)
        if len(self.details) < MAX_DETAILED:
            self.details.append(detail)


def check_events(events: Iterable[ChainedEvent], anchor: Anchor | None = None) -> ChainReport:
    """Walk `events` in chain order and report every one that does not fit.

    With `anchor`, also report that event if it is gone or its hash changed since it was
    verified: a hash chain alone cannot notice that its newest events were cut off, or that
    everything from some event on was rewritten and re-hashed consistently.
    Pure: no database access beyond iterating `events`, so it can be tested with plain objects.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    anchor_seen = False
    findings = _Findings()
    for event in events:
        checked += 1
        problems = []
        if event.prev_hash != expected_prev:
            problems.append(PREV_MISMATCH)
        # Hashed over its own stored prev_hash, so a deletion before it does not hide an edit of it.
        if event_hash(event.prev_hash, event) != event.hash:
            problems.append(HASH_MISMATCH)
        if anchor is not None and event.id == anchor.event_id:
            anchor_seen = True
            if event.hash != anchor.hash and not problems:
                problems.append(
                    f"its hash is not the one verified at {anchor.checked_at.isoformat()}: "
                    "the chain was rewritten from here on"
                )
        if problems:
            findings.add(event.id, f"event {event.id} is broken: {'; and '.join(problems)}")
        # Go on from what is stored, whatever was wrong: one alteration, one report.
        expected_prev = event.hash
        last_id = event.id
    if anchor is not None and not anchor_seen:
        findings.add(
            anchor.event_id,
            f"event {anchor.event_id}, verified at {anchor.checked_at.isoformat()}, is missing: "
            "events were removed from the chain",
        )
    last_hash = expected_prev if last_id is not None else ""
    if not findings.count:
        return ChainReport(True, checked, f"OK: {checked} events verified", None, last_id, last_hash)
    return ChainReport(
        ok=False,
        events_checked=checked,
        message=_summary(findings, checked),
        first_bad_event_id=findings.ids[0],
        last_event_id=last_id,
        last_hash=last_hash,
        broken_count=findings.count,
        broken_event_ids=tuple(findings.ids),
    )


def verify_chain() -> ChainVerification:
    """Check the whole chain, streaming it, and store the result."""
    # Streamed in id order with a server-side cursor so memory stays flat on a large log.
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=CHUNK_SIZE)
    report = check_events(events, _anchor())
    return ChainVerification.objects.create(
        ok=report.ok,
        events_checked=report.events_checked,
        first_bad_event_id=report.first_bad_event_id,
        broken_count=report.broken_count,
        broken_event_ids=list(report.broken_event_ids),
        # Only a passing run anchors the next one (see _anchor), so only its end is kept.
        last_event_id=report.last_event_id if report.ok else None,
        last_hash=report.last_hash if report.ok else "",
        message=report.message,
    )


def latest_verification() -> ChainVerification | None:
    return ChainVerification.objects.order_by("-checked_at", "-id").first()


def _anchor() -> Anchor | None:
    """The end of the chain as the last passing run saw it."""
    run = ChainVerification.objects.filter(ok=True, last_event_id__isnull=False).order_by("-id").first()
    if run is None or run.last_event_id is None:
        return None
    return Anchor(run.last_event_id, run.last_hash, run.checked_at)


def _summary(findings: _Findings, checked: int) -> str:
    noun = "event is" if findings.count == 1 else "events are"
    text = f"{findings.count} {noun} broken ({checked} events checked): " + "; ".join(findings.details)
    if findings.count > len(findings.details):
        text += f"; and {findings.count - len(findings.details)} more"
    return text
