"""Enterprises served (服务对象): one row per unified social credit code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.registry.validators import check_cn_phone, check_uscc
from core.crypto.fields import EncryptedTextField

from .org import OrgUnit


class SizeClass(models.TextChoices):
    """GB/T enterprise size classes; the scorecard's SMEs (中小微企业) are the last three."""

    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


SME_SIZE_CLASSES = frozenset({SizeClass.MEDIUM.value, SizeClass.SMALL.value, SizeClass.MICRO.value})


class Enterprise(models.Model):
    SizeClass = SizeClass

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[check_uscc]
    )
    name = models.CharField(_("enterprise name"), max_length=200)
    address = models.CharField(_("enterprise address"), max_length=300, blank=True)
    division = models.ForeignKey(
        OrgUnit,
        verbose_name=_("street or town"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises_located",
        limit_choices_to={"kind": OrgUnit.Kind.DIVISION},
    )
    # Personal data: sealed at rest (core/crypto), read back in the clear; never filtered on.
    contact_name = EncryptedTextField(_("contact person"), max_length=100, blank=True)
    phone = EncryptedTextField(_("contact phone"), max_length=32, blank=True, validators=[check_cn_phone])
    size_class = models.CharField(_("size class"), max_length=16, choices=SizeClass.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    # The org unit an enterprise's own user accounts are members of (role "enterprise"); created
    # when the first account is opened, so most enterprises never have one.
    org_unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise",
        limit_choices_to={"kind": OrgUnit.Kind.ENTERPRISE},
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    @property
    def is_sme(self) -> bool:
        return self.size_class in SME_SIZE_CLASSES
