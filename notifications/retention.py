"""How long notifications and webhook payloads are kept (steps of core.retention's daily job).

Notification texts name cases and enterprises, and a webhook payload repeats them: both are kept
only while they are of use (docs/personal-data.md, "Retention").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from .models import Notification, WebhookDelivery

# The one key left in an emptied payload, with the time it was emptied: the admin's "send again"
# skips such deliveries (they have nothing left to send).
PURGED = "purged_at"


def purge_notifications(now: datetime) -> int:
    """Read notifications older than NQI_RETENTION_NOTIFICATIONS_DAYS (since read) go; unread
    ones after twice as long (since created): nobody is going to read them any more."""
    days = settings.NQI_RETENTION_NOTIFICATIONS_DAYS
    read = Q(read_at__lt=now - timedelta(days=days))
    forgotten = Q(read_at__isnull=True, created_at__lt=now - timedelta(days=2 * days))
    deleted, _ = Notification.objects.filter(read | forgotten).delete()
    return int(deleted)


def purge_webhook_payloads(now: datetime) -> int:
    """Delivered calls older than NQI_RETENTION_WEBHOOK_DAYS keep their row, status, attempts and
    times (what the admin page shows), and the unique (webhook, event, kind) that stops a re-read
    of the log from sending them again; the payload becomes {PURGED: time}."""
    cutoff = now - timedelta(days=settings.NQI_RETENTION_WEBHOOK_DAYS)
    return (
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED, delivered_at__lt=cutoff)
        .exclude(payload__has_key=PURGED)
        .update(payload={PURGED: now.isoformat()})
    )


def purge_failed_webhook_deliveries(now: datetime) -> int:
    """Failed calls made more than NQI_RETENTION_WEBHOOK_DAYS ago are deleted. Failed is final:
    the automatic retries gave up after about two hours (webhooks.MAX_ATTEMPTS); only an
    administrator's "send again" (which sets them pending, and so out of reach here) retries one,
    and the window for that is the same number of days. Pending deliveries are never touched."""
    cutoff = now - timedelta(days=settings.NQI_RETENTION_WEBHOOK_DAYS)
    deleted, _ = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.FAILED, created_at__lt=cutoff
    ).delete()
    return int(deleted)


STEPS = {
    "notifications": purge_notifications,
    "webhook payloads": purge_webhook_payloads,
    "failed webhook deliveries": purge_failed_webhook_deliveries,
}
