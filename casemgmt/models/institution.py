"""Technical institutions (技术机构) that deliver services: searchable by capability and text."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.registry.validators import check_cn_phone


class InstitutionKind(models.TextChoices):
    METROLOGY = "metrology", _("Metrology institution")
    CERTIFICATION = "certification", _("Certification body")
    TESTING = "testing", _("Testing laboratory")
    IP_AGENCY = "ip_agency", _("IP agency")


class TechnicalInstitution(models.Model):
    """Searched with ILIKE; where the server has pg_trgm, migration 0005 adds trigram indexes for it."""

    Kind = InstitutionKind

    kind = models.CharField(_("kind"), max_length=16, choices=InstitutionKind.choices)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[check_cn_phone])
    website = models.URLField(_("website"), blank=True)
    # Qualification numbers: CMA for testing labs, CNAS for accredited labs and bodies, the CNCA
    # approval number for certification bodies, the authorisation number for metrology institutions.
    cma_number = models.CharField(_("CMA number"), max_length=64, blank=True)
    cnas_number = models.CharField(_("CNAS number"), max_length=64, blank=True)
    approval_number = models.CharField(_("approval number"), max_length=64, blank=True)
    capabilities = models.TextField(_("capabilities"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    # Sample rows shipped with the product are labelled so that nobody mistakes them for real data.
    is_sample = models.BooleanField(_("sample data"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("technical institution")
        verbose_name_plural = _("technical institutions")

    def __str__(self) -> str:
        return self.name
