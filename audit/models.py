"""The audit log tables.

Both tables are append-only: the database refuses UPDATE, DELETE and TRUNCATE on them
(migration 0002), so not even a bug in this code base can rewrite history through the ORM.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access_models import AccessKind, AccessRecord  # noqa: F401 - the access log's model, in its own module
from .actions import Action
from .targets import target_label

HASH_LENGTH = 64


class AuditEvent(models.Model):
    """One audited fact, linked to its predecessor by `prev_hash` (see `audit.chain`)."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # The (actor, occurred_at) index below serves lookups by actor alone as well.
        db_index=False,
    )
    # Copied at write time: the record must still say who acted after a rename.
    actor_username = models.CharField(_("actor user name"), max_length=150, blank=True)
    actor_role = models.CharField(_("actor role"), max_length=64, blank=True)
    actor_org_unit = models.CharField(_("actor org unit"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=64, choices=Action.choices)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=128)
    business_key = models.CharField(_("business key"), max_length=128, blank=True, db_index=True)
    # A plain integer, not a foreign key: audit sits below every other app and must not
    # depend on the workflow tables (nor stop them from being cleaned up).
    instance_id = models.BigIntegerField(_("process instance"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # Text, not inet: the hash covers the address exactly as written, and inet would respell it.
    # NULL (not "") for "no address", because the canonical form hashes null.
    client_ip = models.CharField(_("client IP address"), max_length=45, null=True, blank=True)  # noqa: DJ001
    prev_hash = models.CharField(_("previous hash"), max_length=HASH_LENGTH)
    # Not unique, not indexed: nothing looks events up by hash, and a unique index would not
    # catch a forked chain anyway (two events after one predecessor still hash differently);
    # audit_verify does. Each event was paying a random-key index insert for it.
    hash = models.CharField(_("hash"), max_length=HASH_LENGTH)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # BRIN: times only grow along the chain (stamped under the chain lock), so block
            # ranges summarise them well, at a fraction of a btree's cost per insert.
            BrinIndex(fields=["occurred_at"], name="audit_event_occurred_brin"),
            models.Index(fields=["action", "occurred_at"], name="audit_event_action_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_event_target_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_event_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.target_type}:{self.target_id}"

    @property
    def target_display(self) -> str:
        """ "任务 16" rather than "task:16" (audit/targets.py)."""
        return target_label(self.target_type, self.target_id)


class ChainHead(models.Model):
    """The newest event's id and hash, in one row that every writer locks.

    Locking a row (rather than an advisory lock plus a read) matters: under READ COMMITTED a
    `SELECT … FOR UPDATE` that waited returns the row as the previous writer committed it, so
    one round trip both serialises writers and yields the current head.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=HASH_LENGTH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.last_event_id}"


class ChainVerification(models.Model):
    """The outcome of one `audit_verify` run, kept so pages can show when the chain was last checked.

    `last_event_id` / `last_hash` anchor the verified chain: a hash chain alone cannot notice
    that its newest events were cut off, but the next run can notice that this anchor is gone.
    """

    checked_at = models.DateTimeField(_("checked at"), default=timezone.now, db_index=True)
    ok = models.BooleanField(_("passed"))
    events_checked = models.PositiveBigIntegerField(_("events checked"))
    first_bad_event_id = models.BigIntegerField(_("first broken event"), null=True, blank=True)
    # Every broken event is counted; the ids are the first audit.verify.MAX_LISTED_IDS found. NULL
    # on runs from before the walk went on past the first break (the table is append-only, so
    # they cannot be filled in; those runs counted nothing beyond `first_bad_event_id`).
    broken_count = models.PositiveBigIntegerField(_("broken events"), null=True, blank=True)
    broken_event_ids = ArrayField(
        models.BigIntegerField(), verbose_name=_("broken event ids"), null=True, blank=True
    )
    last_event_id = models.BigIntegerField(_("last event"), null=True, blank=True)
    last_hash = models.CharField(_("last hash"), max_length=HASH_LENGTH, blank=True)
    message = models.TextField(_("result"))

    class Meta:
        ordering = ["-checked_at", "-id"]
        get_latest_by = ["checked_at", "id"]
        verbose_name = _("audit chain verification")
        verbose_name_plural = _("audit chain verifications")

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M:%S} {'OK' if self.ok else 'FAILED'}"
