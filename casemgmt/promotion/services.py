"""Starting assessments: one project at a time (a person) or every project at once (a campaign)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from casemgmt.models import OrgUnit, ProjectLevel, ServiceProject
from casemgmt.org.calendar import add_working_days
from core.errors import Conflict, FieldError, InvalidInput
from core.service import Actor, audit, require, write_transaction
from workflows import instances
from workflows.models import HumanTask, ProcessInstance

from .models import AssessmentCampaign, ProjectAssessment

PROCESS = "site_promotion"
TYPICAL_CASES_PROCESS = "typical_cases"
PROMOTABLE_LEVELS = (ProjectLevel.STREET, ProjectLevel.DISTRICT)
MAX_PERIOD_DAYS = 3 * 366


def business_key(project: ServiceProject, period_start: datetime.date) -> str:
    return f"PROMO-{project.code}-{period_start:%Y%m%d}"


def check_period(period_start: datetime.date | None, period_end: datetime.date | None) -> None:
    problems = []
    if period_start is None:
        problems.append(FieldError("period_start", "required", "必填项未填写", "required"))
    if period_end is None:
        problems.append(FieldError("period_end", "required", "必填项未填写", "required"))
    if period_start and period_end and period_end < period_start:
        problems.append(
            FieldError(
                "period_end", "before_start", "结束日期早于开始日期", "the period ends before it starts"
            )
        )
    if period_start and period_end and (period_end - period_start).days > MAX_PERIOD_DAYS:
        problems.append(
            FieldError("period_end", "too_long", "评估期不能超过三年", "a period spans at most 3 years")
        )
    if problems:
        raise InvalidInput("The assessment period is not valid.", "评估期不正确。", fields=problems)


def running_for(
    project: ServiceProject, period_start: datetime.date, period_end: datetime.date
) -> ProjectAssessment | None:
    """The assessment of this project and period that has not finished, if any."""
    return (
        ProjectAssessment.objects.filter(project=project, period_start=period_start, period_end=period_end)
        .exclude(instance__status__in=("completed", "terminated"))
        .select_related("instance")
        .first()
    )


def _set_due(instance: ProcessInstance, working_days: int | None) -> None:
    """A campaign's own deadline for the first task (the diagram's dueInDays is the default)."""
    if not working_days:
        return
    due = add_working_days(timezone.now(), working_days)
    instance.human_tasks.filter(status=HumanTask.Status.OPEN).update(due_at=due)


def start_assessment(
    project_id: int,
    *,
    actor: Actor,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    reminder_days: int | None = None,
    due_working_days: int | None = None,
) -> ProcessInstance:
    """Start one cycle of the promotion process for a project (refused if one is running)."""
    check_period(period_start, period_end)
    assert period_start is not None and period_end is not None
    with write_transaction():
        # The project row lock serialises starts of the same project (a person and a campaign).
        project = (
            ServiceProject.objects.select_for_update(of=("self",))
            .select_related("operator")
            .filter(pk=project_id)
            .first()
        )
        if project is None:
            from core.errors import NotFound

            raise NotFound(f"Service project {project_id} does not exist.", f"服务项目 {project_id} 不存在。")
        require(actor, "promotion.start_assessment", project)
        if project.level not in PROMOTABLE_LEVELS:
            raise Conflict(
                "City-level projects are not assessed for promotion.",
                "市级项目不参加晋级评估。",
                code="level",
            )
        if project.status != ServiceProject.Status.ACTIVE:
            raise Conflict("The project is not active.", "该项目未在运营。", code="inactive")
        if running_for(project, period_start, period_end) is not None:
            raise Conflict(
                "An assessment of this project for this period is already under way.",
                "该项目本评估期的评估正在进行中。",
                code="running",
            )
        data: dict[str, object] = {
            "project_id": project.pk,
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
        }
        if reminder_days:
            data["reminder_days"] = int(reminder_days)
        instance = instances.start_instance(
            PROCESS,
            actor=actor,
            data=data,
            business_key=business_key(project, period_start),
            subject=project.name,
            org_unit_code=project.operator.code,
        )
        _set_due(instance, due_working_days)
        return instance


# --- campaigns ----------------------------------------------------------------------------------


def campaign_period(
    campaign: AssessmentCampaign, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    if campaign.period_start and campaign.period_end:
        return campaign.period_start, campaign.period_end
    if campaign.kind == AssessmentCampaign.Kind.TYPICAL_CASES:
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = datetime.date(today.year, first_month, 1)
        end_month = first_month + 2
        next_start = datetime.date(today.year + (end_month == 12), end_month % 12 + 1, 1)
        return start, next_start - datetime.timedelta(days=1)
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@dataclass
class CampaignRun:
    campaign: int
    period_start: datetime.date
    period_end: datetime.date
    started: list[int] = field(default_factory=list)  # instance ids
    skipped: list[str] = field(default_factory=list)  # codes already under way or done
    failed: dict[str, str] = field(default_factory=dict)


def open_assessment_campaign(campaign: AssessmentCampaign, today: datetime.date | None = None) -> CampaignRun:
    """One self-assessment per active street-level project. Idempotent: a project that already
    has an assessment of this period (running or finished) is skipped, so a repeated or late
    beat run opens nothing twice."""
    start, end = campaign_period(campaign, today or timezone.localdate())
    run = CampaignRun(campaign.pk, start, end)
    projects = ServiceProject.objects.filter(
        level=ProjectLevel.STREET, status=ServiceProject.Status.ACTIVE
    ).order_by("code")
    for project in projects:
        if ProjectAssessment.objects.filter(project=project, period_start=start, period_end=end).exists():
            run.skipped.append(project.code)
            continue
        try:
            instance = start_assessment(
                project.pk,
                actor=None,
                period_start=start,
                period_end=end,
                reminder_days=campaign.reminder_days,
                due_working_days=campaign.due_working_days,
            )
        except Conflict:
            run.skipped.append(project.code)
        except Exception as exc:  # one broken project must not stop the others' campaign
            run.failed[project.code] = str(exc)[:300]
        else:
            run.started.append(instance.pk)
    _close_run(campaign, run)
    return run


def open_typical_case_round(campaign: AssessmentCampaign, today: datetime.date | None = None) -> CampaignRun:
    """The quarter's typical-case tasks, one per office. Idempotent per office and quarter."""
    start, end = campaign_period(campaign, today or timezone.localdate())
    quarter = quarter_of(start)
    run = CampaignRun(campaign.pk, start, end)
    for office in OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("code"):
        with transaction.atomic():
            instance = start_typical_cases(office, quarter)
            if instance is None:
                run.skipped.append(office.code)
                continue
            _set_due(instance, campaign.due_working_days)
            run.started.append(instance.pk)
    _close_run(campaign, run)
    return run


def typical_cases_key(office_code: str, quarter: str) -> str:
    return f"TC-{office_code}-{quarter}"


def typical_cases_instance(office_code: str, quarter: str) -> ProcessInstance | None:
    """The office's typical-case instance of the quarter, if the round opened it."""
    return ProcessInstance.objects.filter(
        business_key=typical_cases_key(office_code, quarter),
        version__process_model__key=TYPICAL_CASES_PROCESS,
    ).first()


def start_typical_cases(office: OrgUnit, quarter: str) -> ProcessInstance | None:
    """One office's typical-case task of the quarter, as the round opens it (the demo seed opens
    one too); None when that office's task of the quarter exists already."""
    with transaction.atomic():
        if typical_cases_instance(office.code, quarter) is not None:
            return None
        return instances.start_instance(
            TYPICAL_CASES_PROCESS,
            actor=None,
            data={"quarter": quarter, "office_name": office.name},
            business_key=typical_cases_key(office.code, quarter),
            subject=f"{office.name} {quarter} 典型案例",
            org_unit_code=office.code,
        )


def _close_run(campaign: AssessmentCampaign, run: CampaignRun) -> None:
    with write_transaction():
        AssessmentCampaign.objects.filter(pk=campaign.pk).update(last_opened_at=timezone.now())
        audit(
            Action.CAMPAIGN_OPENED,
            None,
            target_type="assessment_campaign",
            target_id=campaign.pk,
            after={
                "kind": campaign.kind,
                "period": [run.period_start.isoformat(), run.period_end.isoformat()],
                "started": run.started,
                "skipped": run.skipped,
                "failed": run.failed,
            },
        )


def open_campaign(campaign_id: int, today: datetime.date | None = None) -> CampaignRun | None:
    campaign = AssessmentCampaign.objects.filter(pk=campaign_id, active=True).first()
    if campaign is None:
        return None
    if campaign.kind == AssessmentCampaign.Kind.TYPICAL_CASES:
        return open_typical_case_round(campaign, today)
    return open_assessment_campaign(campaign, today)
