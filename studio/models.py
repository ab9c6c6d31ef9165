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
