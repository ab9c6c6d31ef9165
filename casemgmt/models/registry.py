"""The registry of service projects (Attachment 1) and the history of their naming decisions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .org import OrgUnit


class ProjectLevel(models.TextChoices):
    STREET = "street", _("Street/town level")
    DISTRICT = "district", _("District level")
    CITY = "city", _("City level")


class ServiceProject(models.Model):
    """One quality-infrastructure one-stop service project (质量基础设施"一站式"服务项目)."""

    Level = ProjectLevel

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    # Case numbers (办件编号) read "<prefix>-<year>-<sequence>", e.g. "FS-2026-00042".
    case_prefix = models.CharField(
        _("case number prefix"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,8}$", _("Two to eight capital letters."))],
    )
    level = models.CharField(_("level"), max_length=16, choices=ProjectLevel.choices)
    name = models.CharField(_("name"), max_length=200)
    coordinating_office = models.ForeignKey(
        OrgUnit,
        verbose_name=_("coordinating department"),
        on_delete=models.PROTECT,
        related_name="coordinated_projects",
        limit_choices_to={"kind__in": [OrgUnit.Kind.OFFICE, OrgUnit.Kind.BUREAU]},
    )
    operator = models.ForeignKey(
        OrgUnit,
        verbose_name=_("operating organization"),
        on_delete=models.PROTECT,
        related_name="operated_projects",
        limit_choices_to={"kind": OrgUnit.Kind.OPERATOR},
    )
    industry_focus = models.CharField(_("industry focus"), max_length=200, blank=True)
    divisions = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("streets and towns covered"),
        blank=True,
        related_name="service_projects",
        limit_choices_to={"kind": OrgUnit.Kind.DIVISION},
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.coordinating_office_id is not None and self.coordinating_office.kind not in (
            OrgUnit.Kind.OFFICE,
            OrgUnit.Kind.BUREAU,
        ):
            errors["coordinating_office"] = _("The coordinating department must be an office or the bureau.")
        if self.operator_id is not None and self.operator.kind != OrgUnit.Kind.OPERATOR:
            errors["operator"] = _("The operating organization must be an org unit of kind operator.")
        if errors:
            raise ValidationError(errors)


class NamingRecord(models.Model):
    """A naming decision (命名) for a project at a level. Append-only: the code never updates one."""

    project = models.ForeignKey(
        ServiceProject,
        verbose_name=_("service project"),
        on_delete=models.PROTECT,
        related_name="naming_records",
    )
    level = models.CharField(_("level"), max_length=16, choices=ProjectLevel.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateField(_("decided on"))
    decision = models.TextField(_("decision"))
    name_at_the_time = models.CharField(_("name at the time"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["project", "decided_at", "pk"]
        verbose_name = _("naming record")
        verbose_name_plural = _("naming records")

    def __str__(self) -> str:
        return f"{self.name_at_the_time} ({self.get_level_display()}, {self.decided_at})"
