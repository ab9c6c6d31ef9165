"""The matching reminder: N working days after intake the office is brought in, once."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from casemgmt.cases.intake import start_data
from casemgmt.models import CaseStage, OrgUnit, ServiceCase, ServiceProject
from casemgmt.org.calendar import add_working_days
from casemgmt.org.lanes import DISTRICT_CODE
from config.celery import app
from core.errors import InvalidInput, PermissionDenied
from tests.factories import make_enterprise, make_project
from tests.live_worker import LiveWorker
from tests.personas import Cast
from workflows import instances
from workflows.instances import fire_due_timers
from workflows.models import HumanTask, InstanceStatus

from .conftest import projects_for
from .support import RECORD, deploy_service_case, instance_of, open_specs, open_task, submit, work


def case_due_in(project: ServiceProject, seconds: float, n: int = 1) -> ServiceCase:
    """A case as intake makes it, but with the reminder's deadline `seconds` from now: the
    diagram takes the deadline as start data, so the test gives it a near one."""
    case = ServiceCase.objects.create(
        case_no=f"{project.case_prefix}-2026-{n:05d}",
        project=project,
        enterprise=make_enterprise(),
        channel="window",
        contact_name="李四",
        contact_phone="+8613800138000",
        need="检测需求",
    )
    data = {**start_data(case), "matching_due": (timezone.now() + timedelta(seconds=seconds)).isoformat()}
    case.instance = instances.start_instance(
        "service_case", actor=None, data=data, business_key=case.case_no, org_unit_code=project.operator.code
    )
    case.save()
    return case


@pytest.mark.django_db
@override_settings(NQI_MATCHING_REMINDER_WORKING_DAYS=5)
def test_the_deadline_is_the_configured_number_of_working_days(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    before = timezone.now()
    case = submit(projects[0], cast.operator_a)
    data = start_data(case)
    assert data["reminder_days"] == 5
    due = datetime.fromisoformat(data["matching_due"])
    assert add_working_days(before, 5) <= due <= add_working_days(timezone.now(), 5)
    case = work(case, "review", cast.operator_a, {})
    timer_at = instance_of(case).next_timer_at
    assert timer_at is not None and timer_at >= add_working_days(before, 3)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_escalates_slow_matching_to_the_office(
    cast: Cast, celery_worker_process: LiveWorker
) -> None:
    deploy_service_case()
    project, _ = projects_for(cast)
    case = case_due_in(project, 1.0)
    case = work(case, "review", cast.operator_a, {})
    assert open_specs(case) == {"match"} and case.escalated_at is None
    time.sleep(1.2)
    app.send_task("workflows.fire_due_timers")  # what beat sends every minute

    celery_worker_process.wait_until(
        lambda: HumanTask.objects.filter(instance=case.instance, task_spec="assist").exists()
    )
    case.refresh_from_db()
    assert case.escalated_at is not None and case.stage == CaseStage.MATCHING
    assert AuditEvent.objects.filter(action="case.escalated", target_id=case.case_no).count() == 1
    assert open_specs(case) == {"match", "assist"}, "non-interrupting: the operator can still match"
    assist = open_task(case, "assist")
    assert assist.candidate_group == "office_staff@office-fangsong"
    with pytest.raises(PermissionDenied):
        work(case, "assist", cast.office_b, {"assist_note": "x"})
    case = work(case, "assist", cast.office_a, {"assist_note": "已推荐两家检测机构"})
    case = work(case, "match", cast.operator_a, {"outcome": "expert", "expert": "王工"})
    assert case.stage == CaseStage.FOLLOW_UP and open_specs(case) == {"record"}


@pytest.mark.django_db
def test_a_reentered_matching_task_does_not_escalate_twice_and_closing_ends_the_office_task(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = case_due_in(projects[0], 0.5)
    case = work(case, "review", cast.operator_a, {})
    time.sleep(0.6)
    assert fire_due_timers() == 1
    assert open_specs(case) == {"match", "assist"}
    with pytest.raises(InvalidInput):  # no such institution: refused on the form, the step stays
        work(case, "match", cast.operator_a, {"outcome": "institution", "institution_id": 424242})
    assert open_specs(case) == {"match", "assist"}
    time.sleep(0.1)
    fire_due_timers()
    assert AuditEvent.objects.filter(action="case.escalated").count() == 1
    assert HumanTask.objects.filter(instance=case.instance, task_spec="assist").count() == 1
    case = work(case, "match", cast.operator_a, {"outcome": "expert", "expert": "王工"})
    case = work(case, "record", cast.operator_a, RECORD)
    case = work(case, "feedback", cast.operator_a, {"rating": "4"})
    assert case.stage == CaseStage.CLOSED
    assert instance_of(case).status == InstanceStatus.COMPLETED
    assert HumanTask.objects.get(instance=case.instance, task_spec="assist").status == "cancelled"


@pytest.mark.django_db
def test_district_projects_escalate_to_the_bureaus_reviewers(cast: Cast, service_case_model: object) -> None:
    bureau = OrgUnit.objects.get(code=DISTRICT_CODE)
    operator = OrgUnit.objects.create(
        code="operator-district", name="区级运营机构", kind="operator", parent=bureau
    )
    project = make_project(
        code="district-food",
        case_prefix="QJ",
        level="district",
        coordinating_office=bureau,
        operator=operator,
    )
    case = case_due_in(project, 0.3)
    work(case, "review", None, {})
    time.sleep(0.4)
    assert fire_due_timers() == 1
    assist = open_task(case, "assist")
    assert assist.candidate_group == f"district_reviewer@{DISTRICT_CODE}"
    with pytest.raises(PermissionDenied):
        work(case, "assist", cast.office_a, {"assist_note": "x"})
    work(case, "assist", cast.reviewer, {"assist_note": "区局协调"})
    assert "assist" not in open_specs(case)
