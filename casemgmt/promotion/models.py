"""The promotion tables: one assessment per process cycle, city nominations, assessment campaigns.

The scores themselves live in the scorecard app (Evaluation); these rows say what the process
made of them: the band, where the project went next, and the naming decisions that followed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.models import ServiceProject
from casemgmt.scorecard.models import Evaluation
from workflows.models import ProcessInstance


class Band(models.TextChoices):
    """The outputs of bpmn/score_band.dmn."""

    UNQUALIFIED = "unqualified", _("Unqualified (below 60)")
    RECORDED = "recorded", _("Recorded (60 to 70)")
    DISTRICT_CANDIDATE = "district_candidate", _("District candidate (above 70)")
    CITY_CANDIDATE = "city_candidate", _("City candidate (above 80)")


class Outcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    UNQUALIFIED = "unqualified", _("Unqualified, guidance given")
    RECORDED = "recorded", _("Recorded, no promotion")
    APPLYING = "applying", _("Applying for district naming")
    DISTRICT_FAILED = "district_failed", _("District evaluation not passed")
    NAMED_DISTRICT = "named_district", _("Named district-level")
    DISTRICT_HELD = "district_held", _("District level confirmed, not recommended to the city")
    CITY_RECOMMENDED = "city_recommended", _("Recommended for city-level naming")
    CITY_APPROVED = "city_approved", _("Named city-level")
    CITY_REJECTED = "city_rejected", _("City naming not approved")


class ProjectAssessment(models.Model):
    """One cycle of the promotion process for one project and period (one instance each)."""

    Band = Band
    Outcome = Outcome

    project = models.ForeignKey(
        ServiceProject,
        verbose_name=_("service project"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    cycle = models.PositiveIntegerField(_("cycle"), default=1)
    instance = models.OneToOneField(
        ProcessInstance,
        verbose_name=_("process instance"),
        on_delete=models.PROTECT,
        related_name="promotion_assessment",
    )
    level_at_start = models.CharField(_("level at start"), max_length=16)
    self_evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("self-assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office_evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("office evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district_evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("district evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    band = models.CharField(_("band"), max_length=24, choices=Band.choices, blank=True)
    district_band = models.CharField(_("district band"), max_length=24, choices=Band.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=Outcome.choices, default=Outcome.IN_PROGRESS
    )
    proposed_name = models.CharField(_("proposed name"), max_length=200, blank=True)
    office_reasons = models.TextField(_("office's reasons"), blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    guidance_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("project assessment")
        verbose_name_plural = _("project assessments")
        indexes = [models.Index(fields=["project", "period_end"], name="promo_assessment_project_idx")]

    def __str__(self) -> str:
        return f"{self.project} {self.period_start}–{self.period_end} #{self.cycle}"

    @property
    def latest_evaluation(self) -> Evaluation | None:
        return self.district_evaluation or self.office_evaluation or self.self_evaluation


class CityAnswer(models.TextChoices):
    PENDING = "pending", _("Awaiting the city's answer")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PackageFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class CityNomination(models.Model):
    """The district bureau's recommendation of a district-level project for city-level naming.

    The package is kept in the row (not on disk) so that it is written in the same transaction,
    and undone with it, as the rest of the step that generated it.
    """

    Answer = CityAnswer
    Format = PackageFormat

    project = models.ForeignKey(
        ServiceProject,
        verbose_name=_("service project"),
        on_delete=models.PROTECT,
        related_name="city_nominations",
    )
    assessment = models.OneToOneField(
        ProjectAssessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="nomination"
    )
    package = models.BinaryField(_("package"))
    package_format = models.CharField(_("package format"), max_length=8, choices=PackageFormat.choices)
    package_name = models.CharField(_("package file name"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted at"))
    answer = models.CharField(
        _("city's answer"), max_length=16, choices=CityAnswer.choices, default=CityAnswer.PENDING
    )
    answered_at = models.DateField(_("answered on"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("city nomination")
        verbose_name_plural = _("city nominations")

    def __str__(self) -> str:
        return f"{self.project} ({self.submitted_at:%Y-%m-%d})"


class CampaignKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Efficiency self-assessment")
    TYPICAL_CASES = "typical_cases", _("Quarterly typical cases")


class AssessmentCampaign(models.Model):
    """A schedule that opens work for everyone at once: self-assessments of every street-level
    project, or the quarter's typical-case reports of every office.

    Without an explicit period a run takes the period from its own date: the calendar year
    (assessment) or the quarter (typical cases) it falls in.
    """

    Kind = CampaignKind

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=CampaignKind.choices, default=CampaignKind.ASSESSMENT
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    due_working_days = models.PositiveSmallIntegerField(_("due in working days"), default=15)
    reminder_days = models.PositiveSmallIntegerField(_("reminder after days"), default=10)
    active = models.BooleanField(_("active"), default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        verbose_name=_("schedule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_opened_at = models.DateTimeField(_("last opened at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assessment campaign")
        verbose_name_plural = _("assessment campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True, period_end__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="promo_campaign_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name
