"""The delivery job: read the audit log onward from the cursor, notify, then send the e-mails and
the webhook calls.

Runs from Celery beat every minute (NQI_NOTIFY_BATCH events a pass). The engine's hot path does
nothing for notifications: they are drawn afterwards from the events it already writes, so a
task completion pays no broker round trip and a failed delivery never rolls back a step.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEvent

from . import webhooks
from .models import DeliveryCursor, Notification, Preference
from .sources import ACTIONS, drafts_for

logger = logging.getLogger(__name__)
# An e-mail that keeps failing is given up after a day; the notification itself stays on the page.
EMAIL_RETRY_WINDOW = timedelta(days=1)


def deliver(batch: int | None = None) -> int:
    """One pass over the events after the cursor; returns how many notifications it created.

    The cursor row is taken FOR UPDATE SKIP LOCKED: a second job running at the same moment finds
    it held and leaves, so events are never read twice at once (and the unique constraint would
    refuse a duplicate anyway).
    """
    created = _draw(batch or settings.NQI_NOTIFY_BATCH)
    send_pending_emails()
    webhooks.send_due()
    return created


def _event_facts(event: AuditEvent) -> dict[str, object]:
    """What a webhook receiver gets of the audit event itself, besides the notification's words."""
    return {
        "action": event.action,
        "occurred_at": event.occurred_at.isoformat(),
        "business_key": event.business_key,
        "instance_id": event.instance_id,
    }


def _draw(batch: int) -> int:
    with transaction.atomic():
        DeliveryCursor.objects.get_or_create(pk=1)
        cursor = DeliveryCursor.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if cursor is None:
            return 0
        events = list(AuditEvent.objects.filter(pk__gt=cursor.last_event_id).order_by("pk")[:batch])
        if not events:
            return 0
        # Every event goes to drafts_for: the others name who caused a task.created.
        relevant = [event for event in events if event.action in ACTIONS or event.actor_id is not None]
        newest_before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        drafts = drafts_for(relevant)
        # ignore_conflicts: an event read again (a cursor reset by hand) tells nobody twice.
        Notification.objects.bulk_create(
            [Notification(**vars(draft)) for draft in drafts], ignore_conflicts=True
        )
        webhooks.queue(drafts, {event.pk: _event_facts(event) for event in relevant})
        # Only this job writes notifications, and it holds the cursor: the new rows are these.
        created = Notification.objects.filter(pk__gt=newest_before).count()
        cursor.last_event_id = events[-1].pk
        cursor.save(update_fields=["last_event_id"])
    return created


def send_pending_emails() -> int:
    """E-mail the notifications their recipients asked to receive by e-mail; each is marked as
    sent by a conditional update first, so two jobs never send the same one."""
    since = timezone.now() - EMAIL_RETRY_WINDOW
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True, created_at__gte=since)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("pk")[:500]
    )
    preferences = {
        p.user_id: p for p in Preference.objects.filter(user_id__in={n.recipient_id for n in pending})
    }
    sent = 0
    for notification in pending:
        preference = preferences.get(notification.recipient_id) or Preference(
            user_id=notification.recipient_id
        )
        if not preference.wants_email(notification.kind):
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            _send(notification)
        except Exception as exc:  # any transport failure: release the claim, retry next pass
            # The exception's class only: an SMTP refusal's text names the recipients' addresses,
            # and a traceback would print it (docs/personal-data.md, "Logs").
            logger.warning("notification %s: e-mail failed (%s)", notification.pk, type(exc).__name__)
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            continue
        sent += 1
    return sent


def _send(notification: Notification) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"[{_('NQI one-stop')}] {notification.get_kind_display()}: {notification.title}"
        link = settings.NQI_PUBLIC_URL.rstrip("/") + notification.link if notification.link else ""
        body = "\n".join(part for part in (notification.title, notification.message, link) if part)
    send_mail(subject, body, None, [notification.recipient.email])
