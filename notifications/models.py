"""What a person is told: notifications, their wishes about e-mail, and how far the log was read."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One thing one person should know about, drawn from one audit event."""

    class Kind(models.TextChoices):
        TASK_AVAILABLE = "task_available", _("New task for your group")
        TASK_ASSIGNED = "task_assigned", _("Task assigned to you")
        INSTANCE_ERROR = "instance_error", _("A process instance failed")
        TASK_URGED = "task_urged", _("Someone urged your task")
        TASK_COPIED = "task_copied", _("A case was copied to you")
        # A failed step as the staff who worked the case are told of it (process admins get
        # INSTANCE_ERROR, with the exception): the title is the case, the detail the step's name.
        CASE_STOPPED = "case_stopped", _("A case stopped at an error")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # The audit event it comes from: one notification per person per event, however often the
    # delivery job runs over it.
    event_id = models.BigIntegerField(_("audit event"))
    title = models.CharField(_("title"), max_length=300)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event_id"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_feed"),
            models.Index(
                fields=["recipient"], name="notification_unread", condition=models.Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient_id}"

    @property
    def message(self) -> str:
        """The line under the title. A stopped case is said in a sentence in the reader's
        language, made when shown from the case (title) and the step's name (detail)."""
        if self.kind != self.Kind.CASE_STOPPED:
            return self.detail
        if self.detail:
            return gettext(
                "Case %(case)s stopped at an error at “%(step)s”; the process administrators have been told."
            ) % {"case": self.title, "step": self.detail}
        return gettext("Case %(case)s stopped at an error; the process administrators have been told.") % {
            "case": self.title
        }


class Preference(models.Model):
    """Whether a person also wants notifications by e-mail (to the address on their account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    email_new_tasks = models.BooleanField(_("e-mail me new tasks for my groups"), default=False)
    email_assignments = models.BooleanField(_("e-mail me tasks assigned to me"), default=True)
    email_errors = models.BooleanField(_("e-mail me failed process instances"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"notification preference of {self.user_id}"

    def wants_email(self, kind: str) -> bool:
        wishes: dict[str, bool] = {
            Notification.Kind.TASK_AVAILABLE: self.email_new_tasks,
            Notification.Kind.TASK_ASSIGNED: self.email_assignments,
            # An urge is about work that is already the person's, like an assignment.
            Notification.Kind.TASK_URGED: self.email_assignments,
            Notification.Kind.INSTANCE_ERROR: self.email_errors,
            Notification.Kind.CASE_STOPPED: self.email_errors,
        }
        return wishes.get(kind, False)


class DeliveryCursor(models.Model):
    """The last audit event the delivery job has turned into notifications (a single row).

    Audit ids are handed out under the chain lock and committed in that order, so reading "after
    the last id" never skips an event that commits late.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("delivery cursor")

    def __str__(self) -> str:
        return f"notifications delivered up to audit event {self.last_event_id}"


class Webhook(models.Model):
    """Another system told of the same events, by an HTTP POST signed with a shared secret
    (e.g. the district's office-automation system). Configured by administrators."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        help_text=_("Each request carries X-NQI-Signature: sha256=HMAC-SHA256(secret, body)."),
    )
    kinds = models.JSONField(_("kinds"), default=list, help_text=_("Notification kinds to send; empty: all."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class WebhookDelivery(models.Model):
    """One event for one webhook, retried with growing pauses until the receiver answers 2xx."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.BigIntegerField(_("audit event"))
    kind = models.CharField(_("kind"), max_length=32, choices=Notification.Kind.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event_id", "kind"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="webhook_delivery_due", condition=models.Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.webhook_id}:{self.event_id}:{self.kind}"
