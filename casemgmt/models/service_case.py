"""Service cases (办件): one enterprise request through 需求收集 → 服务对接 → 服务跟进 → 服务反馈."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casemgmt.registry.validators import check_cn_phone
from core.crypto.fields import EncryptedTextField
from workflows.models import ProcessInstance

from .enterprise import Enterprise
from .institution import TechnicalInstitution
from .registry import ServiceProject


class Channel(models.TextChoices):
    WINDOW = "window", _("Service window")
    ONLINE = "online", _("Online")
    API = "api", _("API")


class CaseStage(models.TextChoices):
    INTAKE = "intake", _("Demand collection")
    MATCHING = "matching", _("Service matching")
    FOLLOW_UP = "follow_up", _("Follow-up")
    FEEDBACK = "feedback", _("Feedback")
    CLOSED = "closed", _("Case completed")  # 办结, the programme's word
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", pgettext_lazy("case stage", "Cancelled")  # 已撤销, as 撤销办件


OPEN_STAGES = frozenset({CaseStage.INTAKE, CaseStage.MATCHING, CaseStage.FOLLOW_UP, CaseStage.FEEDBACK})


class Satisfaction(models.IntegerChoices):
    """The five feedback levels, 5 best."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neutral")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class EffectKind(models.TextChoices):
    """服务成效, as the 填表说明 of the 服务情况统计表 lists them."""

    PASS_RATE = "pass_rate", _("Higher product pass rate")
    CERTIFICATION = "certification", _("Passed management-system certification")
    HONOURS = "honours", _("Won honours")
    QUALITY_MANAGEMENT = "quality_management", _("Better quality management")
    STANDARD = "standard", _("Supported an enterprise or group standard")
    OTHER = "other", _("Other")


class ServiceMode(models.TextChoices):
    GROUP_TRAINING = "group_training", _("Group training")
    ON_SITE = "on_site", _("On-site guidance")
    EXPERT_LECTURE = "expert_lecture", _("Expert lecture")
    OTHER = "other", _("Other")


class ServiceClass(models.TextChoices):
    """The nine service classes of scorecard indicator 8 (集成化)."""

    METROLOGY = "metrology", _("Metrology")
    STANDARDS = "standards", _("Standards")
    TESTING = "testing", _("Inspection and testing")
    CERTIFICATION = "certification", _("Certification")
    BRAND = "brand", _("Brand cultivation")
    IP = "ip", _("Intellectual property")
    SUPPLY_CHAIN = "supply_chain", _("Industry and supply chain")
    POLICY = "policy", _("Policy consulting")
    QUALITY_MANAGEMENT = "quality_management", _("Quality management")


class ServiceCase(models.Model):
    Channel = Channel
    Stage = CaseStage

    case_no = models.CharField(_("case number"), max_length=32, unique=True)
    project = models.ForeignKey(
        ServiceProject, verbose_name=_("service project"), on_delete=models.PROTECT, related_name="cases"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # The contact as given with this request (the enterprise's own contact may change later).
    # Personal data: sealed at rest (core/crypto), read back in the clear; never filtered on.
    contact_name = EncryptedTextField(_("contact person"), max_length=100)
    contact_phone = EncryptedTextField(_("contact phone"), max_length=32, validators=[check_cn_phone])
    need = models.TextField(_("service need"))
    catalogue_items = ArrayField(
        models.CharField(max_length=32), verbose_name=_("catalogue items"), default=list, blank=True
    )
    stage = models.CharField(_("stage"), max_length=16, choices=CaseStage.choices, default=CaseStage.INTAKE)

    matched_institution = models.ForeignKey(
        TechnicalInstitution,
        verbose_name=_("matched institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    matched_expert = models.CharField(_("matched expert"), max_length=200, blank=True)
    matching_note = models.TextField(_("matching note"), blank=True)
    office_help_requested = models.BooleanField(_("office help requested"), default=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    rating = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    effects = ArrayField(models.CharField(max_length=32), verbose_name=_("effects"), default=list, blank=True)
    effect_other = models.CharField(_("other effect"), max_length=300, blank=True)
    feedback_comment = models.TextField(_("feedback comment"), blank=True)
    # 其他成效: amounts in 万元 (ten thousand yuan), as the district's sheets report them.
    new_jobs = models.PositiveIntegerField(_("new jobs"), null=True, blank=True)
    investment_drawn = models.DecimalField(
        _("investment drawn (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    output_added = models.DecimalField(
        _("output added (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    cost_saved = models.DecimalField(
        _("cost saved (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    profit_added = models.DecimalField(
        _("profit added (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip

    end_reason = models.TextField(_("reason for withdrawal or cancellation"), blank=True)
    instance = models.OneToOneField(
        ProcessInstance,
        verbose_name=_("process instance"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_case",
    )
    # Public submissions carry a client-chosen key: the same key twice returns the first case.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, null=True, blank=True, unique=True
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
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("service case")
        verbose_name_plural = _("service cases")
        indexes = [
            models.Index(fields=["project", "stage"], name="case_project_stage_idx"),
            models.Index(fields=["enterprise", "submitted_at"], name="case_enterprise_time_idx"),
        ]

    def __str__(self) -> str:
        return self.case_no

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class CaseNumberSequence(models.Model):
    """The last case number handed out per project and year; rows are locked to allocate (gapless)."""

    project = models.ForeignKey(ServiceProject, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.year}: {self.last_number}"


class ServiceRecord(models.Model):
    """One follow-up service (服务跟进): when, how, and what was done."""

    Mode = ServiceMode

    case = models.ForeignKey(
        ServiceCase, verbose_name=_("service case"), on_delete=models.PROTECT, related_name="records"
    )
    served_at = models.DateTimeField(_("service time"))
    mode = models.CharField(_("service mode"), max_length=32, choices=ServiceMode.choices)
    mode_description = models.CharField(_("mode description"), max_length=300, blank=True)
    service_class = models.CharField(_("service class"), max_length=32, choices=ServiceClass.choices)
    content = models.TextField(_("service content"))
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
        ordering = ["case", "served_at", "pk"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mode="other") | ~models.Q(mode_description=""),
                name="service_record_other_mode_described",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.served_at:%Y-%m-%d} {self.mode}"
