"""What the enterprise agreed to and asked for about its personal information (PIPL, issue 19).

ConsentRecord: one per case, written in the intake's transaction, saying which version of the
privacy notice (casemgmt/consent/notice.py) was shown and accepted, when and through which
channel. The client address is deliberately not stored here: the intake's own audit event
(case.submitted, same transaction) already records it, under the audit trail's retention, and a
second copy would be one more place holding personal data.

CorrectionRequest: a signed-in enterprise user's request to correct the contact details held
about it (casemgmt/rights/). The values asked for live in an EnterpriseChangeProposal, so that
the correction is decided and applied by the one enterprise-change service; this row adds who
asked, why, and the process instance that takes it to the enterprise's staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.models import ProcessInstance

from .enterprise import Enterprise
from .enterprise_change import EnterpriseChangeProposal
from .service_case import ServiceCase


class ConsentChannel(models.TextChoices):
    PUBLIC = "public", _("Online form, not signed in")
    ONLINE = "online", _("Online form, signed in")
    WINDOW = "window", _("Service window")
    API = "api", _("API submission")


class ConsentRecord(models.Model):
    Channel = ConsentChannel

    case = models.OneToOneField(
        ServiceCase, verbose_name=_("service case"), on_delete=models.CASCADE, related_name="consent"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="consents"
    )
    notice_version = models.CharField(_("notice version"), max_length=32)
    channel = models.CharField(_("channel"), max_length=16, choices=ConsentChannel.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    # Who submitted the form that carried the consent: the enterprise's own user (online, signed
    # in), the operator who informed the enterprise and attests its consent (window), the API
    # client; nobody for an anonymous online submission.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["enterprise", "-given_at"], name="consent_enterprise_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.notice_version} ({self.channel})"


class CorrectionRequest(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="correction_requests",
    )
    proposal = models.OneToOneField(
        EnterpriseChangeProposal,
        verbose_name=_("enterprise change proposal"),
        on_delete=models.PROTECT,
        related_name="correction_request",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    instance = models.ForeignKey(
        ProcessInstance,
        verbose_name=_("process instance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("personal data correction request")
        verbose_name_plural = _("personal data correction requests")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.proposal_id}"
