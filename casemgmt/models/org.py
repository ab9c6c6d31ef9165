"""Who is who: org units and the memberships that tie users to them with a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.org.roles import Role


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "bureau", _("District market supervision bureau")
        OFFICE = "office", _("Market supervision office")
        DIVISION = "division", _("Street or town")
        OPERATOR = "operator", _("Operating organization")
        ENTERPRISE = "enterprise", _("Enterprise")

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return self.name

    def ancestors_and_self(self) -> list[OrgUnit]:
        chain: list[OrgUnit] = []
        node: OrgUnit | None = self
        while node is not None and len(chain) < 16:  # the tree is shallow; the cap guards against cycles
            chain.append(node)
            node = node.parent
        return chain

    def nearest(self, kind: str) -> OrgUnit | None:
        return next((unit for unit in self.ancestors_and_self() if unit.kind == kind), None)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "org_unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role}@{self.org_unit.code}"
