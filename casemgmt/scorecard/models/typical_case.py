"""Typical cases (典型案例) an office submits per quarter, which the district reviews."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.models import OrgUnit, ServiceCase, ServiceProject


class TypicalCaseKind(models.TextChoices):
    QUALITY = "a", _("a) Quality improved")
    ECONOMY = "b", _("b) Cost down, profit or output up")
    JOBS = "c", _("c) Jobs added")


class TypicalCaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SELECTED = "selected", _("Selected")
    REJECTED = "rejected", _("Rejected")
    REPORTED = "reported_to_city", _("Reported to the city")


# Typical cases that count for indicator 14: accepted by the district.
ACCEPTED_TYPICAL_CASE_STATUSES = (TypicalCaseStatus.SELECTED.value, TypicalCaseStatus.REPORTED.value)


def quarter_start(quarter: str) -> datetime.date:
    """ "2026Q3" → 2026-07-01; ValueError on anything else."""
    text = quarter.strip().upper()
    if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
        raise ValueError(quarter)
    return datetime.date(int(text[:4]), 3 * (int(text[5]) - 1) + 1, 1)


class TypicalCase(models.Model):
    Kind = TypicalCaseKind
    Status = TypicalCaseStatus

    office = models.ForeignKey(
        OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="typical_cases"
    )
    project = models.ForeignKey(
        ServiceProject,
        verbose_name=_("service project"),
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    quarter = models.CharField(_("quarter"), max_length=6)  # "2026Q3"
    quarter_start = models.DateField(_("quarter start"), editable=False)
    kind = models.CharField(_("kind"), max_length=1, choices=TypicalCaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    cases = models.ManyToManyField(ServiceCase, verbose_name=_("service cases"), related_name="typical_cases")
    status = models.CharField(
        _("status"), max_length=20, choices=TypicalCaseStatus.choices, default=TypicalCaseStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-quarter_start", "-pk"]
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        indexes = [models.Index(fields=["project", "status", "quarter_start"], name="sc_typical_case_idx")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.quarter = self.quarter.strip().upper()
        self.quarter_start = quarter_start(self.quarter)
        super().save(*args, **kwargs)
