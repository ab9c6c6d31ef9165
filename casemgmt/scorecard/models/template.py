"""The versioned template of Attachment 3: indicator groups, indicators and their sub-items.

The template is data. An evaluation pins the template version it used, and a version that any
evaluation uses can no longer change (a new version is seeded instead), so a filled scorecard
always reads against the rules it was scored under.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    """How one scored unit turns into points (see rules_engine.py)."""

    CHECKLIST = "checklist", _("Checklist: points per item satisfied")
    COUNT_RATE = "count_rate", _("Count × rate, capped")
    DISTINCT_RATE = "distinct_rate", _("Distinct enterprises × rate, capped")
    PER_HUNDRED = "per_hundred", _("Per full hundred, capped")
    JUDGMENT = "judgment", _("Evaluator's judgment")


class TemplateFrozen(ValidationError):
    pass


class TemplateVersion(models.Model):
    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("scorecard template version")
        verbose_name_plural = _("scorecard template versions")

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        guard_template(self.pk)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        guard_template(self.pk)
        return super().delete(*args, **kwargs)

    @property
    def is_used(self) -> bool:
        from .evaluation import Evaluation  # evaluation.py imports this module

        return self.pk is not None and Evaluation.objects.filter(template_version_id=self.pk).exists()


def guard_template(template_id: int | None) -> None:
    """A template version that an evaluation used is immutable."""
    from .evaluation import Evaluation  # evaluation.py imports this module

    if template_id is not None and Evaluation.objects.filter(template_version_id=template_id).exists():
        raise TemplateFrozen(
            _("This template version is used by an evaluation and can no longer change."), code="frozen"
        )


class IndicatorGroup(models.Model):
    """一级指标: 运营情况, 服务能力, 服务成效, 加分项."""

    template = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="groups")
    position = models.PositiveSmallIntegerField(_("position"))
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=1)
    is_bonus = models.BooleanField(_("bonus points"), default=False)

    class Meta:
        ordering = ["template", "position"]
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        constraints = [models.UniqueConstraint(fields=["template", "position"], name="sc_group_unique")]

    def __str__(self) -> str:
        return self.name_zh

    def save(self, *args: Any, **kwargs: Any) -> None:
        guard_template(self.template_id)
        super().save(*args, **kwargs)


class Indicator(models.Model):
    """二级指标 1–18. Its points are the sum of its items' points, never above max_points."""

    template = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="indicators")
    group = models.ForeignKey(IndicatorGroup, on_delete=models.PROTECT, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("number"))
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=1)
    # checklist / judgment, or the rule of its computed items (the kind shown in lists).
    rule_kind = models.CharField(_("rule kind"), max_length=16, choices=RuleKind.choices)
    text_zh = models.TextField(_("Chinese text"))
    text_en = models.TextField(_("English text"))
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        ordering = ["template", "number"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="sc_indicator_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name_zh}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        guard_template(self.template_id)
        super().save(*args, **kwargs)

    @property
    def is_judgment(self) -> bool:
        return self.rule_kind == RuleKind.JUDGMENT


class SubItem(models.Model):
    """评价要点 (1), (2), … of an indicator, or the single rule of a computed indicator.

    `points` is the points per item satisfied (checklist) or the rate per unit counted
    (count_rate, distinct_rate, per_hundred); `cap` limits a computed item on its own (12(1)–(5)).
    `source` names the query in sources.py that proves the item from the service records.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="sub_items")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=8)  # "(1)", "a)", "" for a single-rule indicator
    text_zh = models.TextField(_("Chinese text"))
    text_en = models.TextField(_("English text"))
    rule_kind = models.CharField(_("rule kind"), max_length=16, choices=RuleKind.choices)
    points = models.DecimalField(_("points or rate"), max_digits=6, decimal_places=1)
    cap = models.DecimalField(_("cap"), null=True, blank=True, max_digits=6, decimal_places=1)
    source = models.CharField(_("data source"), max_length=32, blank=True)
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=20, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True)

    class Meta:
        ordering = ["indicator", "position"]
        verbose_name = _("sub-item")
        verbose_name_plural = _("sub-items")
        constraints = [models.UniqueConstraint(fields=["indicator", "position"], name="sc_subitem_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.number}{self.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        guard_template(self.indicator.template_id)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{self.indicator.number}{self.code}"

    @property
    def is_computed(self) -> bool:
        return bool(self.source)
