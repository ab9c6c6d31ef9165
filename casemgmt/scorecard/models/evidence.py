"""Evidence attached to a score: an uploaded file or a link."""

from __future__ import annotations

import datetime
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .evaluation import IndicatorScore, SubItemScore

EVIDENCE_EXTENSIONS = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx"}
)
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A random name: the uploader's file name is kept only as data, never as a path."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        suffix = ""
    today = datetime.date.today()
    return f"scorecard/{today:%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Evidence(models.Model):
    score = models.ForeignKey(IndicatorScore, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(
        SubItemScore, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url="")) | (~models.Q(file="") & models.Q(url="")),
                name="sc_evidence_file_xor_url",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url
