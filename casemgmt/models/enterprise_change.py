"""What an intake said about its enterprise, and the changes it proposes to the master data.

Intake never writes an existing enterprise's master data (anyone may submit an online request
with any credit code). What the applicant typed stays with the case (IntakeEnterpriseDetails);
where it differs from the master data, an EnterpriseChangeProposal waits for the enterprise's own
project staff to accept or reject it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enterprise import Enterprise, SizeClass
from .service_case import ServiceCase


class IntakeEnterpriseDetails(models.Model):
    """The enterprise details typed with one intake, as typed (the contact is on the case)."""

    case = models.OneToOneField(
        ServiceCase,
        verbose_name=_("service case"),
        on_delete=models.CASCADE,
        related_name="typed_enterprise",
    )
    name = models.CharField(_("enterprise name"), max_length=200)
    address = models.CharField(_("enterprise address"), max_length=300, blank=True)
    size_class = models.CharField(_("size class"), max_length=16, choices=SizeClass.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("enterprise details given at intake")
        verbose_name_plural = _("enterprise details given at intake")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.name}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class EnterpriseChangeProposal(models.Model):
    """Changes to an enterprise's master data that an intake asked for; applied only when accepted.

    `proposed` holds the typed value of every field that differed, `current` the master value of
    those fields when the proposal was made: if the master data no longer equals `current`, the
    proposal is stale (someone changed the enterprise since) and says so before it is accepted.
    """

    Status = ProposalStatus

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="change_proposals",
    )
    case = models.OneToOneField(
        ServiceCase,
        verbose_name=_("service case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="enterprise_proposal",
    )
    proposed = models.JSONField(_("proposed values"))
    current = models.JSONField(_("values when proposed"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enterprise change proposal")
        verbose_name_plural = _("enterprise change proposals")
        indexes = [models.Index(fields=["enterprise", "status"], name="proposal_enterprise_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="proposal_decided_when_not_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} ({self.status})"
