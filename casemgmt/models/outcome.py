"""Structured outcomes that the scorecard counts, each linked to enterprise, case, project and date."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enterprise import Enterprise
from .registry import ServiceProject
from .service_case import ServiceCase


class OutcomeKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate or report obtained")  # indicator 12(1)
    CONSULTING = "consulting", _("Quality consulting service")  # 12(2)
    TRAINING = "training", _("Training attendance")  # 12(3)
    COOPERATION = "cooperation", _("Cooperation, instrument sharing or technology transfer")  # 12(4)
    INNOVATION = "innovation", _("Innovation result")  # 12(5)
    TITLE = "title", _("Enterprise title")  # 16
    QUALITY_HONOUR = "quality_honour", _("Quality honour")  # 17


# The subtypes each kind allows, with their labels; the notice's own lists.
OUTCOME_SUBTYPES: dict[str, dict[str, object]] = {
    OutcomeKind.CERTIFICATE: {
        "calibration": _("Calibration certificate"),
        "verification": _("Verification certificate"),
        "test_report": _("Test report"),
        "certification": _("Certification certificate"),
        "quality_management": _("Quality management certificate"),
    },
    OutcomeKind.CONSULTING: {
        "brand": _("Brand cultivation and certification"),
        "quality_award": _("Government quality award"),
        "trademark": _("Trademark"),
        "patent": _("Patent"),
    },
    OutcomeKind.TRAINING: {
        "publicity": _("Group briefing"),
        "training": _("Training course"),
    },
    OutcomeKind.COOPERATION: {
        "industry_academia": _("Industry-academia cooperation on key technology"),
        "instrument_sharing": _("Instrument sharing"),
        "technology_transfer": _("Technology transfer"),
    },
    OutcomeKind.INNOVATION: {
        "quality_breakthrough": _("Quality breakthrough result"),
        "standardization": _("Standardization result"),
        "intellectual_property": _("Intellectual property result"),
        "digital_transformation": _("Digital transformation result"),
    },
    OutcomeKind.TITLE: {
        "high_tech": _("High-tech enterprise"),
        "little_giant": _("Science and technology little giant"),
        "specialized": _("Specialised, refined, distinctive and innovative (专精特新)"),
        "high_tech_conversion": _("High-tech achievement conversion project"),
        "sci_tech_award": _("Science and technology progress award"),
        "other": _("Other title"),
    },
    OutcomeKind.QUALITY_HONOUR: {
        "government_quality_award": _("Government quality award"),
        "key_product_breakthrough": _("Key product quality breakthrough"),
        "brand_demo_zone": _("Quality brand demonstration zone"),
        "shanghai_brand": _("Shanghai Brand certification"),
        "typical_case": _("Quality typical case"),
        "other": _("Other quality honour"),
    },
}

# Kinds whose outcome belongs to an enterprise served; a quality honour may instead be the project's own.
ENTERPRISE_OPTIONAL_KINDS = frozenset({OutcomeKind.QUALITY_HONOUR.value})


class Outcome(models.Model):
    Kind = OutcomeKind

    kind = models.CharField(_("kind"), max_length=32, choices=OutcomeKind.choices)
    subtype = models.CharField(_("subtype"), max_length=32)
    project = models.ForeignKey(
        ServiceProject, verbose_name=_("service project"), on_delete=models.PROTECT, related_name="outcomes"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    case = models.ForeignKey(
        ServiceCase,
        verbose_name=_("service case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    obtained_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=100, blank=True)  # certificate / report number
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["obtained_on", "pk"]
        verbose_name = _("service outcome")
        verbose_name_plural = _("service outcomes")
        indexes = [
            models.Index(fields=["project", "kind", "obtained_on"], name="outcome_project_kind_idx"),
            models.Index(fields=["enterprise", "obtained_on"], name="outcome_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def subtype_label(self) -> str:
        return str(OUTCOME_SUBTYPES.get(self.kind, {}).get(self.subtype, self.subtype))

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.subtype not in OUTCOME_SUBTYPES.get(self.kind, {}):
            errors["subtype"] = _("This subtype does not belong to the kind chosen.")
        if self.enterprise_id is None and self.kind not in ENTERPRISE_OPTIONAL_KINDS:
            errors["enterprise"] = _("This kind of outcome belongs to an enterprise.")
        if self.case_id is not None:
            case = self.case
            if case is not None and case.project_id != self.project_id:
                errors["case"] = _("The case belongs to another project.")
            if (
                case is not None
                and self.enterprise_id is not None
                and case.enterprise_id != self.enterprise_id
            ):
                errors["case"] = _("The case belongs to another enterprise.")
        if errors:
            raise ValidationError(errors)
