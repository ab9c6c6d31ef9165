"""What the studio keeps of its own: the draft of a model that process admins edit in the browser.

Deployed versions stay in `workflows` (never updated); a draft is work in progress, possibly
invalid, and is never run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models import ProcessModel, ProcessModelVersion


class ModelDraft(models.Model):
    """The one draft of a model. Admins editing it at once are told so: every save names the
    revision it was made from, and a save from an older revision is refused (studio/drafts.py)."""

    process_model = models.OneToOneField(ProcessModel, on_delete=models.CASCADE, related_name="draft")
    # The version the draft was started from: the editor's diff and the review compare against it.
    base_version = models.ForeignKey(ProcessModelVersion, on_delete=models.PROTECT, related_name="+")
    # {file name: text}, the whole set (diagrams, decision tables, forms) as it would deploy.
    files = models.JSONField()
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.process_model.key} draft r{self.revision}"


class ModelChange(models.Model):
    """A draft submitted for review: a snapshot of its files that a second process admin (never
    the author) approves, which deploys it, or returns with reasons. The review runs as an
    instance of the shipped bpmn/model_change.bpmn (studio/changes.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        DEPLOYED = "deployed", _("Approved and deployed")
        RETURNED = "returned", _("Returned")

    process_model = models.ForeignKey(ProcessModel, on_delete=models.CASCADE, related_name="changes")
    base_version = models.ForeignKey(ProcessModelVersion, on_delete=models.PROTECT, related_name="+")
    files = models.JSONField()
    content_hash = models.CharField(max_length=64)
    draft_revision = models.PositiveIntegerField()
    note = models.TextField(_("change note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # The review's process instance; the deciding admin, when, and why (their opinion).
    instance = models.ForeignKey(
        "workflows.ProcessInstance", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    comment = models.TextField(blank=True)
    version = models.ForeignKey(ProcessModelVersion, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One change of a model under review at a time: the second submission is refused.
            models.UniqueConstraint(
                fields=["process_model"], condition=models.Q(status="pending"), name="one_pending_change"
            )
        ]

    def __str__(self) -> str:
        return f"{self.process_model.key} change {self.pk}"


class MigrationBatch(models.Model):
    """Open instances of older versions moved to one target version by a background job; each
    instance's outcome is a MigrationItem, so a job restarted after a worker died carries on
    with the items still pending (studio/batches.py)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    process_model = models.ForeignKey(ProcessModel, on_delete=models.CASCADE, related_name="+")
    target_version = models.ForeignKey(ProcessModelVersion, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    restart_timers = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"migration batch {self.pk}"


class MigrationItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        MOVED = "moved", _("Moved")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(MigrationBatch, on_delete=models.CASCADE, related_name="items")
    instance = models.ForeignKey("workflows.ProcessInstance", on_delete=models.CASCADE, related_name="+")
    from_version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["batch", "instance"], name="one_item_per_instance")]
        indexes = [models.Index(fields=["batch", "status"], name="batch_item_status")]

    def __str__(self) -> str:
        return f"batch {self.batch_id} instance {self.instance_id}: {self.status}"
