"""The scorecard tables: the versioned template of Attachment 3, evaluations, evidence, typical cases.

The template is data. An evaluation pins the template version it used, and a version that any
evaluation uses can no longer change (a new version is seeded instead), so a filled scorecard
always reads against the rules it was scored under.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.models import OrgUnit, ServiceCase, ServiceProject
from workflows.models import ProcessInstance

ZERO = Decimal("0.0")


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
        return self.pk is not None and Evaluation.objects.filter(template_version_id=self.pk).exists()


def guard_template(template_id: int | None) -> None:
    """A template version that an evaluation used is immutable."""
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


EVIDENCE_EXTENSIONS = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx"}
)
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A random name: the uploader's file name is kept only as data, never as a path."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        suffix = ""
    today = datetime.date.today()
    return f"scorecard/{today:%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Evidence(models.Model):
    score = models.ForeignKey(IndicatorScore, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(
        SubItemScore, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url="")) | (~models.Q(file="") & models.Q(url="")),
                name="sc_evidence_file_xor_url",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url


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
