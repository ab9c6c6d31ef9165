"""Webhook delivery: queue one delivery per (webhook, event, kind), then POST the due ones.

A delivery is claimed by a conditional update that pushes its next attempt past the request's
timeout, so two jobs never send it at once; a 2xx answer marks it delivered, anything else (or
no answer) schedules the next attempt after a growing pause, and after MAX_ATTEMPTS it is failed
and stays visible in the admin. Receivers must accept a repeat: a crash between the receiver's
2xx and our update sends it again (at least once).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .drafts import Draft
from .models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10
# The claim outlives the request: a job that dies mid-request leaves the delivery to the next one.
CLAIM = timedelta(seconds=TIMEOUT_SECONDS * 3)


def queue(drafts: Iterable[Draft], events: dict[int, dict[str, object]]) -> int:
    """One delivery per webhook for each (event, kind) among the drafts (drafts are per person)."""
    hooks = list(Webhook.objects.filter(active=True))
    if not hooks:
        return 0
    seen: dict[tuple[int, str], Draft] = {}
    for draft in drafts:
        seen.setdefault((draft.event_id, draft.kind), draft)
    rows = [
        WebhookDelivery(
            webhook=hook,
            event_id=event_id,
            kind=kind,
            payload=_payload(draft, events.get(event_id, {})),
            next_attempt_at=timezone.now(),
        )
        for (event_id, kind), draft in seen.items()
        for hook in hooks
        if hook.wants(kind)
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _payload(draft: Draft, event: dict[str, object]) -> dict[str, object]:
    link = settings.NQI_PUBLIC_URL.rstrip("/") + draft.link if draft.link else ""
    return {
        "event_id": draft.event_id,
        "kind": draft.kind,
        "title": draft.title,
        "detail": draft.detail,
        "link": link,
        **event,
    }


def send_due(limit: int = 100) -> int:
    """POST the deliveries that are due; returns how many were delivered."""
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .select_related("webhook")
        .order_by("next_attempt_at", "pk")[:limit]
    )
    delivered = 0
    for delivery in due:
        claimed = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.Status.PENDING, next_attempt_at=delivery.next_attempt_at
        ).update(next_attempt_at=now + CLAIM)
        if claimed:
            delivered += _attempt(delivery)
    return delivered


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A receiver that redirects is misconfigured; following it would send the signed body elsewhere.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """(HTTP status, error text): the status when the receiver answered at all."""
    if not url.startswith(("http://", "https://")):
        return None, "only http and https URLs are called"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked above
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        return int(exc.code), f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]


def _attempt(delivery: WebhookDelivery) -> int:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-NQI-Event": delivery.kind,
        "X-NQI-Delivery": str(delivery.pk),
        "X-NQI-Signature": signature(delivery.webhook.secret, body),
    }
    code, error = _post(delivery.webhook.url, body, headers)
    rows = WebhookDelivery.objects.filter(pk=delivery.pk)
    if code is not None and 200 <= code < 300:
        rows.update(
            status=WebhookDelivery.Status.DELIVERED,
            attempts=F("attempts") + 1,
            last_status_code=code,
            last_error="",
            delivered_at=timezone.now(),
            next_attempt_at=None,
        )
        return 1
    attempts = delivery.attempts + 1
    failed = attempts >= MAX_ATTEMPTS
    rows.update(
        status=WebhookDelivery.Status.FAILED if failed else WebhookDelivery.Status.PENDING,
        attempts=attempts,
        last_status_code=code,
        last_error=error or f"HTTP {code}",
        # 1, 2, 4 … 64 minutes between attempts: about two hours in all before giving up.
        next_attempt_at=None if failed else timezone.now() + timedelta(minutes=2 ** (attempts - 1)),
    )
    logger.warning(
        "webhook %s, delivery %s: attempt %s failed (%s)",
        delivery.webhook_id,
        delivery.pk,
        attempts,
        error or code,
    )
    return 0
