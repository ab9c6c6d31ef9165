"""A notification before it is written: made by sources.py and failures.py, written and sent on
by delivery.py and webhooks.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Draft:
    recipient_id: int
    kind: str
    event_id: int
    title: str
    detail: str
    link: str
