"""Campaigns: a django-celery-beat schedule per campaign, opened by a real Celery worker."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from audit.models import AuditEvent
from casemgmt.models import OrgUnit, ServiceProject
from casemgmt.promotion import schedule, services
from casemgmt.promotion.models import AssessmentCampaign, ProjectAssessment
from casemgmt.scorecard.models import TypicalCase
from config.celery import app
from core.errors import ServiceError
from tests.factories import make_case
from tests.live_worker import LiveWorker
from tests.personas import OPERATOR_B, Cast
from workflows import human_tasks
from workflows.models import HumanTask, ProcessInstance

from .support import deploy_shipped, project_in, setup_promotion


def campaign(**fields: object) -> AssessmentCampaign:
    defaults: dict[str, object] = {
        "name": "2026年度效能自评",
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 12, 31),
        "due_working_days": 7,
        "reminder_days": 3,
    }
    defaults.update(fields)
    return AssessmentCampaign.objects.create(**defaults)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_campaign_opens_self_assessments_through_a_real_worker(
    cast: Cast, celery_worker_process: LiveWorker
) -> None:
    setup_promotion()
    street_a = project_in()
    street_b = project_in(OPERATOR_B, industry_focus="智能制造")
    project_in(level=ServiceProject.Level.DISTRICT)  # district-level: not in a street campaign
    project_in(status=ServiceProject.Status.SUSPENDED)  # not running: left alone
    chosen = campaign()
    task = schedule.schedule(chosen)
    assert task.task == "promotion.open_campaign" and json.loads(task.args) == [chosen.pk]
    app.loader.import_default_modules()
    assert task.task in app.tasks
    before = timezone.now()

    # What beat sends on the campaign's schedule, sent now, through the broker to the worker.
    app.send_task(task.task, args=json.loads(task.args))

    def opened() -> bool:
        return AssessmentCampaign.objects.filter(pk=chosen.pk, last_opened_at__isnull=False).exists()

    celery_worker_process.wait_until(opened)
    rows = ProjectAssessment.objects.filter(period_start=datetime.date(2026, 1, 1))
    assert sorted(rows.values_list("project__code", flat=True)) == sorted([street_a.code, street_b.code])
    for row in rows:
        waiting = HumanTask.objects.get(instance=row.instance, status="open")
        assert waiting.task_spec == "self_assessment"
        assert waiting.candidate_group == f"operator@{row.project.operator.code}"
        # The campaign's own deadline: 7 working days, i.e. at least 9 calendar days away.
        assert waiting.due_at is not None and waiting.due_at >= before + datetime.timedelta(days=8)
    event = AuditEvent.objects.get(action="campaign.opened", target_id=str(chosen.pk))
    assert isinstance(event.after, dict) and len(event.after["started"]) == 2

    # A second run (a late or repeated beat tick) opens nothing twice.
    app.send_task(task.task, args=[chosen.pk])
    celery_worker_process.wait_until(lambda: AuditEvent.objects.filter(action="campaign.opened").count() == 2)
    assert ProjectAssessment.objects.count() == 2
    second = AuditEvent.objects.filter(action="campaign.opened").latest("id")
    assert isinstance(second.after, dict)
    assert second.after["started"] == [] and len(second.after["skipped"]) == 2


@pytest.mark.django_db
def test_inactive_campaign_opens_nothing_and_schedule_follows_it(cast: Cast) -> None:
    setup_promotion()
    project_in()
    paused = campaign(active=False)
    assert services.open_campaign(paused.pk) is None
    assert not ProjectAssessment.objects.exists()
    task = schedule.schedule(paused)
    assert task.enabled is False and task.crontab is not None and task.crontab.month_of_year == "1"
    assert PeriodicTask.objects.filter(name=f"promotion-campaign-{paused.pk}").count() == 1
    schedule.schedule(
        paused, {"minute": "30", "hour": "9", "day_of_month": "1", "month_of_year": "*", "day_of_week": "*"}
    )
    assert PeriodicTask.objects.filter(name__startswith="promotion-campaign-").count() == 1


@pytest.mark.django_db
def test_period_without_dates_comes_from_the_run_date(cast: Cast) -> None:
    yearly = campaign(period_start=None, period_end=None)
    assert services.campaign_period(yearly, datetime.date(2026, 5, 2)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    quarterly = campaign(kind=AssessmentCampaign.Kind.TYPICAL_CASES, period_start=None, period_end=None)
    assert services.campaign_period(quarterly, datetime.date(2026, 11, 26)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert services.campaign_period(quarterly, datetime.date(2026, 2, 28))[1] == datetime.date(2026, 3, 31)


@pytest.mark.django_db
def test_quarterly_typical_cases_every_office_submits_then_the_district_reviews(cast: Cast) -> None:
    deploy_shipped("typical_cases")
    round_ = campaign(kind=AssessmentCampaign.Kind.TYPICAL_CASES, period_start=None, period_end=None)
    run = services.open_campaign(round_.pk, today=datetime.date(2026, 11, 26))
    assert run is not None
    offices = set(OrgUnit.objects.filter(kind="office").values_list("code", flat=True))
    started = ProcessInstance.objects.filter(version__process_model__key="typical_cases")
    assert {i.org_unit_code for i in started} == offices and len(run.started) == len(offices)
    again = services.open_campaign(round_.pk, today=datetime.date(2026, 12, 1))
    assert again is not None and again.started == [] and started.count() == len(offices)

    mine = started.get(org_unit_code="office-fangsong")
    submit = HumanTask.objects.get(instance=mine, status="open")
    assert submit.task_spec == "submit" and submit.candidate_group == "office_staff@office-fangsong"
    with pytest.raises(ServiceError):
        human_tasks.complete(submit.pk, actor=cast.office_b, data={"confirmed": True})
    # Confirming before any case was submitted is not accepted: the task comes back.
    human_tasks.complete(submit.pk, actor=cast.office_a, data={"confirmed": True})
    submit = HumanTask.objects.get(instance=mine, status="open")
    assert submit.task_spec == "submit"
    project = project_in()
    typical = TypicalCase.objects.create(
        office=OrgUnit.objects.get(code="office-fangsong"),
        project=project,
        quarter="2026Q4",
        kind="a",
        title="帮助企业提高产品合格率",
        description="上门指导后合格率提高",
    )
    typical.cases.add(make_case(project=project))
    human_tasks.complete(submit.pk, actor=cast.office_a, data={"confirmed": True, "note": "一件"})
    review = HumanTask.objects.get(instance=mine, status="open")
    assert review.task_spec == "review" and review.candidate_group == "district_reviewer@district"
    with pytest.raises(ServiceError):
        human_tasks.complete(review.pk, actor=cast.office_a, data={"reviewed": True})
    human_tasks.complete(review.pk, actor=cast.reviewer, data={"reviewed": True})
    mine.refresh_from_db()
    assert mine.status == "completed"


@pytest.mark.django_db
def test_admin_edits_campaigns_and_gives_them_a_schedule(cast: Cast) -> None:
    from django.test import Client
    from django.urls import reverse

    from tests.factories import make_user

    superuser = make_user(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    chosen = campaign(name="2026年度效能自评")
    listing = reverse("admin:promotion_assessmentcampaign_changelist")
    assert client.get(listing).status_code == 200
    response = client.post(listing, {"action": "give_schedule", "_selected_action": [chosen.pk]})
    assert response.status_code == 302
    chosen.refresh_from_db()
    assert chosen.periodic_task is not None and chosen.periodic_task.task == "promotion.open_campaign"
    change = reverse("admin:promotion_assessmentcampaign_change", args=[chosen.pk])
    assert client.get(change).status_code == 200
    # Deactivating the campaign pauses its beat row too.
    form = {
        "name": chosen.name,
        "kind": chosen.kind,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "due_working_days": 7,
        "reminder_days": 3,
        "periodic_task": chosen.periodic_task.pk,
    }
    assert client.post(change, form).status_code == 302
    chosen.refresh_from_db()
    assert (
        chosen.active is False and chosen.periodic_task is not None and chosen.periodic_task.enabled is False
    )
