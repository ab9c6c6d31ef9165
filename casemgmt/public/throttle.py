"""Sliding-window rate limits for the public (no sign-in) pages, counted in the database.

Every web process must count the same hits and the embedded set-up has no Redis, so each hit is a
RateLimitHit row: (scope, key, at). The key is a salted hash of the client address, never the
address itself, so the table holds nothing personal. A hit is written in its own committed
transaction, before the work it guards: a refused or failed request (a status lookup with a wrong
phone above all, which is how phone numbers would be guessed) still counts.

Counting and inserting happen under a transaction-level advisory lock on (scope, key), so two
requests from the same address at the same moment cannot both slip under the limit.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit import context
from casemgmt.models import RateLimitHit

WINDOW = datetime.timedelta(hours=1)
INTAKE = "public-intake"
LOOKUP = "status-lookup"
_SALT = "casemgmt.public.throttle.client"


@dataclass(frozen=True)
class Limit:
    scope: str
    allowed: int  # hits per window
    window: datetime.timedelta = WINDOW


def intake_limit() -> Limit:
    return Limit(INTAKE, settings.NQI_PUBLIC_INTAKE_PER_HOUR)


def lookup_limit() -> Limit:
    return Limit(LOOKUP, settings.NQI_PUBLIC_LOOKUP_PER_HOUR)


class RateLimited(Exception):
    """Too many hits in the window; `retry_at` is when the oldest of them leaves it."""

    def __init__(self, limit: Limit, retry_at: datetime.datetime, now: datetime.datetime) -> None:
        super().__init__(f"{limit.scope}: more than {limit.allowed} requests per window")
        self.limit = limit
        self.retry_at = retry_at
        self.retry_after_seconds = max(1, math.ceil((retry_at - now).total_seconds()))


def client_key(request: HttpRequest) -> str:
    """A salted hash (64 hex characters) of the client address, as the audit trail derives it.

    audit.middleware sets the address from REMOTE_ADDR (a trusted proxy's job to rewrite, never
    X-Forwarded-For); outside that middleware the request's own REMOTE_ADDR is read the same way.
    """
    address = context.current().client_ip or context.clean_ip(request.META.get("REMOTE_ADDR")) or "unknown"
    return salted_hmac(_SALT, address, algorithm="sha256").hexdigest()


def _lock(scope: str, key: str) -> None:
    # 64-bit advisory lock id from the pair; collisions only serialise two unrelated clients.
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def hit(limit: Limit, key: str, *, now: datetime.datetime | None = None) -> int:
    """Count one hit for `key`; raise RateLimited (and count nothing) when the window is full.

    Returns how many hits remain in the window after this one. Runs in its own transaction and
    commits at once, so call it outside any transaction whose rollback should not undo the hit.
    """
    moment = now or timezone.now()
    since = moment - limit.window
    with transaction.atomic():
        _lock(limit.scope, key)
        recent = RateLimitHit.objects.filter(scope=limit.scope, key=key, at__gt=since)
        count = recent.count()
        if count >= limit.allowed:
            # The refused hit is not recorded, so the time given is when a retry really succeeds.
            oldest = recent.order_by("at").values_list("at", flat=True).first() or moment
            raise RateLimited(limit, oldest + limit.window, moment)
        RateLimitHit.objects.create(scope=limit.scope, key=key, at=moment)
    return limit.allowed - count - 1


def hit_request(limit: Limit, request: HttpRequest) -> int:
    return hit(limit, client_key(request))


def purge(*, now: datetime.datetime | None = None, keep: datetime.timedelta = WINDOW) -> int:
    """Delete hits older than every window; returns how many rows went."""
    cutoff = (now or timezone.now()) - keep
    deleted, _ = RateLimitHit.objects.filter(at__lte=cutoff).delete()
    return deleted
