"""The access log: who viewed, exported or revealed which personal data (PIPL, issue 19).

Kept apart from the business audit chain: a read changes nothing, so there is nothing to link
into the hash chain, and page views are far more frequent than business events (the chain lock
would serialise every page view). It is equally append-only: the database refuses UPDATE,
DELETE and TRUNCATE on the table (migration 0019), like the audit table.

The actor is a plain integer plus the user name copied at write time, not a foreign key: a
record must neither stop a user from being deleted nor be rewritten by an ON DELETE SET NULL
(which the trigger would refuse, failing the deletion). No personal value is ever stored here,
only what kind of record was read and its key.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed a page")
    EXPORT = "export", _("Exported")
    REVEAL = "reveal", _("Revealed a masked value")
    API_READ = "api_read", _("Read through the API")


class AccessRecord(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    # Copied at write time: the record must still say who read after a rename or deletion.
    actor_name = models.CharField(_("actor user name"), max_length=150, blank=True)
    actor_roles = models.CharField(_("actor roles"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AccessKind.choices)
    subject = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=128, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    detail = models.TextField(_("detail"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [
            # Newest first, the search page's order (and its only index for a date range).
            models.Index(fields=["-occurred_at", "-id"], name="audit_access_time_idx"),
            # "Who read this enterprise / case?" and "what did this person read?".
            models.Index(fields=["subject", "subject_id", "-occurred_at"], name="audit_access_subject_idx"),
            # By user name: the name at the time (a deleted user's too) or the account's id now
            # (a renamed user's), as the audit review finds both.
            models.Index(fields=["actor_name", "-occurred_at"], name="audit_access_actor_idx"),
            models.Index(fields=["actor_id", "-occurred_at"], name="audit_access_actor_id_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.actor_name or '-'} {self.kind} {self.subject}:{self.subject_id}"
