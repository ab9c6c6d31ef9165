"""An evaluation of one project over one period, at one stage, and its scores."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.models import ServiceProject
from workflows.models import ProcessInstance

from .template import Indicator, SubItem, TemplateVersion

ZERO = Decimal("0.0")


class Stage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    OFFICE = "office", _("Office evaluation")
    DISTRICT = "district", _("District evaluation")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Evaluation(models.Model):
    Stage = Stage
    Status = EvaluationStatus

    project = models.ForeignKey(
        ServiceProject,
        verbose_name=_("service project"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    template_version = models.ForeignKey(
        TemplateVersion, verbose_name=_("template version"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    # Set by the promotion process: the instance whose open human task this evaluation answers.
    instance = models.ForeignKey(
        ProcessInstance,
        verbose_name=_("process instance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scorecard_evaluations",
    )
    task_spec = models.CharField(_("task"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    base = models.DecimalField(_("base score"), default=ZERO, max_digits=6, decimal_places=1)
    bonus = models.DecimalField(_("bonus points"), default=ZERO, max_digits=6, decimal_places=1)
    total = models.DecimalField(_("total score"), default=ZERO, max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="sc_evaluation_period"
            ),
        ]
        indexes = [models.Index(fields=["project", "period_end"], name="sc_evaluation_project_idx")]

    def __str__(self) -> str:
        return f"{self.project} {self.period_start}–{self.period_end} ({self.get_stage_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == EvaluationStatus.DRAFT


class IndicatorScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    # What the records prove (computed indicators only), before any adjustment.
    computed = models.DecimalField(
        _("computed points"), null=True, blank=True, max_digits=6, decimal_places=1
    )
    points = models.DecimalField(_("points"), default=ZERO, max_digits=6, decimal_places=1)
    reason = models.TextField(_("reason"), blank=True)  # judgment indicators
    adjusted = models.BooleanField(_("adjusted"), default=False)

    class Meta:
        ordering = ["evaluation", "indicator__number"]
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="sc_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.indicator_id}: {self.points}"


class SubItemScore(models.Model):
    """One sub-item of one evaluation: satisfied or not (checklist), or what the records prove.

    `records` keeps what earned the points at computation time, so the drill-down shows what the
    score was based on even if records are corrected later: {"model": "outcome", "units":
    [{"key": …, "ids": [...]}, …], "blocking": [...]} (one unit per step of the rule).
    """

    score = models.ForeignKey(IndicatorScore, on_delete=models.CASCADE, related_name="items")
    sub_item = models.ForeignKey(SubItem, on_delete=models.PROTECT, related_name="+")
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    records = models.JSONField(_("records"), default=dict, blank=True)
    computed = models.DecimalField(
        _("computed points"), null=True, blank=True, max_digits=6, decimal_places=1
    )
    points = models.DecimalField(_("points"), default=ZERO, max_digits=6, decimal_places=1)
    reason = models.TextField(_("reason"), blank=True)
    adjusted = models.BooleanField(_("adjusted"), default=False)

    class Meta:
        ordering = ["score", "sub_item__position"]
        verbose_name = _("sub-item score")
        verbose_name_plural = _("sub-item scores")
        constraints = [models.UniqueConstraint(fields=["score", "sub_item"], name="sc_item_score_unique")]

    def __str__(self) -> str:
        return f"{self.score_id}/{self.sub_item_id}: {self.points}"
