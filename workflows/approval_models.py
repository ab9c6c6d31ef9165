"""Tables of the approval operations (issue 17) that are not task rows: a submission held while
added signers sign, and copies (抄送). Imported by workflows/models.py, so Django registers them
with the workflows app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HeldCompletion(models.Model):
    """What the holder of a task submitted while added signers still had to sign (后加签, or
    并加签 not yet done): the engine runs it when the last of them signs
    (workflows/added_signers.py)."""

    task = models.OneToOneField(
        "workflows.HumanTask", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    data = models.JSONField(default=dict)
    opinion = models.TextField(blank=True)
    # The recipients the holder chose to copy (抄送), sent when the task moves on.
    copy_to = models.JSONField(default=list)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"held submission of task {self.task_id}"


class TaskCopy(models.Model):
    """抄送: a completed task's instance copied to someone for reading (workflows/copies.py)."""

    instance = models.ForeignKey(
        "workflows.ProcessInstance", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    task = models.ForeignKey(
        "workflows.HumanTask", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Declared in the model (copyTo) or chosen by whoever completed the task.
    chosen = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("copied at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["task", "recipient"], name="task_copy_once")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="task_copy_inbox"),
            models.Index(fields=["instance", "recipient"], name="task_copy_instance"),
        ]

    def __str__(self) -> str:
        return f"copy of task {self.task_id} to {self.recipient_id}"
