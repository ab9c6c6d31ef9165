"""Every branch of site_promotion, walked by the right role in the right org unit."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from casemgmt.models import NamingRecord, ServiceProject
from casemgmt.promotion.models import CityNomination, ProjectAssessment
from casemgmt.promotion.naming import proposed_district_name
from casemgmt.promotion.services import start_assessment
from casemgmt.scorecard.models import Evaluation
from core.errors import ServiceError
from tests.personas import Cast
from workflows.models import InstanceStatus, ProcessInstance

from .support import complete, open_specs, open_task, project_in, score_stage, setup_promotion

PERIOD = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


@pytest.fixture
def ready(cast: Cast) -> Cast:
    setup_promotion()
    return cast


def start(project: ServiceProject, actor: Any) -> ProcessInstance:
    return start_assessment(project.pk, actor=actor, period_start=PERIOD[0], period_end=PERIOD[1])


def assessment(instance: ProcessInstance) -> ProjectAssessment:
    return ProjectAssessment.objects.get(instance=instance)


def to_office_band(
    cast: Cast, project: ServiceProject, self_total: str, office_total: str
) -> ProcessInstance:
    instance = start(project, cast.office_a)
    assert open_specs(instance) == {"self_assessment"}
    assert open_task(instance).candidate_group == "operator@operator-fs"
    score_stage(instance, "self", self_total, cast.operator_a)
    assert open_specs(instance) == {"office_evaluation"}
    assert open_task(instance).candidate_group == "office_staff@office-fangsong"
    score_stage(instance, "office", office_total, cast.office_a)
    instance.refresh_from_db()
    return instance


@pytest.mark.django_db
def test_district_candidate_applies_is_returned_recommended_and_named(ready: Cast) -> None:
    cast = ready
    project = project_in()
    instance = to_office_band(cast, project, "75.0", "70.1")
    record = assessment(instance)
    assert record.band == "district_candidate" and record.outcome == "applying"
    office_eval = record.office_evaluation
    assert office_eval is not None and office_eval.based_on == record.self_evaluation
    assert open_specs(instance) == {"apply"}
    complete(instance, "apply", cast.operator_a, {"statement": "申请"})
    assert open_task(instance).candidate_group == "office_staff@office-fangsong"
    complete(
        instance,
        "office_recommend",
        cast.office_a,
        {"office_decision": "return", "office_reasons": "材料不全"},
    )
    assert open_specs(instance) == {"apply"}
    assert assessment(instance).office_reasons == "材料不全"
    complete(
        instance,
        "apply",
        cast.operator_a,
        {"proposed_name": "松江区方松食品制造产业质量基础设施“一站式”服务项目"},
    )
    complete(instance, "office_recommend", cast.office_a, {"office_decision": "recommend"})
    assert open_specs(instance) == {"district_evaluation"}
    assert open_task(instance).candidate_group == "district_reviewer@district"
    score_stage(instance, "district", "70.1", cast.reviewer)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    project.refresh_from_db()
    assert project.level == "district"
    assert project.name == "松江区方松食品制造产业质量基础设施“一站式”服务项目"
    naming = NamingRecord.objects.get(project=project)
    assert naming.level == "district" and naming.decided_by == cast.reviewer
    assert naming.name_at_the_time == project.name and "70.1" in naming.decision
    assert assessment(instance).outcome == "named_district"
    actions = set(AuditEvent.objects.filter(instance_id=instance.pk).values_list("action", flat=True))
    assert {"project.named", "promotion.decided"} <= actions
    # The naming and the office's recommendation name the people who decided, not "the system".
    named = AuditEvent.objects.get(instance_id=instance.pk, action="project.named")
    assert named.actor_username == "reviewer"
    deciders = AuditEvent.objects.filter(instance_id=instance.pk, action="promotion.decided")
    assert "office_a" in set(deciders.values_list("actor_username", flat=True))


@pytest.mark.django_db
def test_unqualified_gets_guidance_then_a_new_cycle_with_bounded_state(ready: Cast) -> None:
    cast = ready
    project = project_in()
    instance = to_office_band(cast, project, "65.0", "59.9")
    record = assessment(instance)
    assert record.band == "unqualified" and record.outcome == "unqualified"
    project.refresh_from_db()
    assert project.status == "active" and project.level == "street"
    guidance = open_task(instance, "guidance")
    assert guidance.candidate_group == "office_staff@office-fangsong" and guidance.due_at is not None
    with pytest.raises(ServiceError):  # the operator does not guide itself
        complete(
            instance, "guidance", cast.operator_a, {"guidance": "完善制度", "guidance_deadline": "2027-03-31"}
        )
    with pytest.raises(ServiceError):  # a deadline is required
        complete(instance, "guidance", cast.office_a, {"guidance": "完善制度"})
    complete(
        instance, "guidance", cast.office_a, {"guidance": "完善制度建设", "guidance_deadline": "2027-03-31"}
    )
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    record.refresh_from_db()
    assert record.guidance == "完善制度建设" and record.guidance_deadline == datetime.date(2027, 3, 31)
    following = ProcessInstance.objects.get(previous=instance)
    assert following.cycle == 2 and following.business_key == instance.business_key
    assert open_specs(following) == {"self_assessment"}
    second = assessment(following)
    assert second.cycle == 2 and (second.period_start, second.period_end) == PERIOD
    # Only the project and the period travel into the next cycle: no scores, no band.
    assert len(following.state) < len(instance.state)
    assert '"band"' not in following.state and '"assessed"' not in following.state


@pytest.mark.django_db
def test_recorded_band_ends_without_promotion(ready: Cast) -> None:
    cast = ready
    project = project_in()
    instance = to_office_band(cast, project, "71.0", "70.0")
    assert instance.status == InstanceStatus.COMPLETED
    record = assessment(instance)
    assert record.band == "recorded" and record.outcome == "recorded"
    assert not NamingRecord.objects.filter(project=project).exists()
    assert not ProcessInstance.objects.filter(previous=instance).exists()


@pytest.mark.django_db
def test_district_evaluation_not_passed(ready: Cast) -> None:
    cast = ready
    project = project_in()
    instance = to_office_band(cast, project, "72.0", "71.0")
    complete(instance, "apply", cast.operator_a, {})
    complete(instance, "office_recommend", cast.office_a, {"office_decision": "recommend"})
    record = assessment(instance)
    assert record.proposed_name == proposed_district_name(project)
    score_stage(instance, "district", "70.0", cast.reviewer)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    record.refresh_from_db()
    assert record.district_band == "recorded" and record.outcome == "district_failed"
    project.refresh_from_db()
    assert project.level == "street" and not NamingRecord.objects.filter(project=project).exists()


def district_project_at(cast: Cast, total: str) -> tuple[ServiceProject, ProcessInstance]:
    project = project_in(
        level=ServiceProject.Level.DISTRICT, name="松江区食品制造产业质量基础设施“一站式”服务项目"
    )
    instance = start(project, cast.reviewer)
    # A district-level project starts at the bureau's own evaluation.
    assert open_specs(instance) == {"district_evaluation"}
    score_stage(instance, "district", total, cast.reviewer)
    instance.refresh_from_db()
    return project, instance


@pytest.mark.django_db
def test_district_project_at_80_is_not_recommended_to_the_city(ready: Cast) -> None:
    _, instance = district_project_at(ready, "80.0")
    assert instance.status == InstanceStatus.COMPLETED
    record = assessment(instance)
    assert record.district_band == "district_candidate" and record.outcome == "district_held"
    assert not CityNomination.objects.exists()


@pytest.mark.django_db
def test_district_project_above_80_recommended_pdf_package_city_approves(ready: Cast) -> None:
    cast = ready
    project, instance = district_project_at(cast, "80.1")
    assert open_specs(instance) == {"city_recommend"}
    with pytest.raises(ServiceError):
        complete(
            instance,
            "city_recommend",
            cast.office_a,
            {"district_decision": "recommend", "package_format": "pdf"},
        )
    complete(
        instance, "city_recommend", cast.reviewer, {"district_decision": "recommend", "package_format": "pdf"}
    )
    nomination = CityNomination.objects.get(project=project)
    content = bytes(nomination.package)
    assert content.startswith(b"%PDF") and nomination.package_name.endswith(".pdf")
    assert nomination.answer == "pending" and assessment(instance).outcome == "city_recommended"
    complete(
        instance, "city_answer", cast.reviewer, {"city_answer": "approved", "city_answered_on": "2027-02-01"}
    )
    nomination.refresh_from_db()
    assert nomination.answer == "approved" and nomination.answered_at == datetime.date(2027, 2, 1)
    project.refresh_from_db()
    assert project.level == "city"
    assert NamingRecord.objects.filter(project=project, level="city").count() == 1
    assert assessment(instance).outcome == "city_approved"


@pytest.mark.django_db
def test_city_rejects_with_a_reason_xlsx_package(ready: Cast) -> None:
    from openpyxl import load_workbook

    cast = ready
    project, instance = district_project_at(cast, "85.5")
    complete(
        instance,
        "city_recommend",
        cast.reviewer,
        {"district_decision": "recommend", "package_format": "xlsx"},
    )
    nomination = CityNomination.objects.get(project=project)
    book = load_workbook(BytesIO(bytes(nomination.package)))
    assert book.sheetnames == ["效能评分", "佐证材料", "典型案例"]
    totals = [row for row in book["效能评分"].iter_rows(values_only=True) if row[1] == "总分"]
    assert totals == [("", "总分", "", 85.5)] or totals[0][3] == 85.5
    with pytest.raises(ServiceError):  # a rejection needs the city's reason
        complete(
            instance,
            "city_answer",
            cast.reviewer,
            {"city_answer": "rejected", "city_answered_on": "2027-02-01"},
        )
    complete(
        instance,
        "city_answer",
        cast.reviewer,
        {"city_answer": "rejected", "city_answered_on": "2027-02-01", "city_note": "服务成效材料不足"},
    )
    nomination.refresh_from_db()
    assert nomination.answer == "rejected" and nomination.decision_note == "服务成效材料不足"
    project.refresh_from_db()
    assert (
        project.level == "district"
        and not NamingRecord.objects.filter(project=project, level="city").exists()
    )
    assert assessment(instance).outcome == "city_rejected"


@pytest.mark.django_db
def test_district_may_hold_a_city_candidate(ready: Cast) -> None:
    cast = ready
    _, instance = district_project_at(cast, "90.0")
    complete(
        instance, "city_recommend", cast.reviewer, {"district_decision": "hold", "package_format": "pdf"}
    )
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED
    assert assessment(instance).outcome == "district_held" and not CityNomination.objects.exists()


@pytest.mark.django_db
def test_wrong_roles_and_areas_are_refused(ready: Cast) -> None:
    cast = ready
    project = project_in()
    for outsider in (
        cast.operator_a,
        cast.office_b,
        cast.operator_b,
        cast.auditor,
        cast.enterprise_a,
        cast.stranger,
    ):
        with pytest.raises(ServiceError):
            start(project, outsider)
    assert not ProcessInstance.objects.exists()
    instance = start(project, cast.reviewer)
    with pytest.raises(ServiceError):  # one running cycle per project and period
        start(project, cast.office_a)
    self_eval = Evaluation.objects.get(instance=instance, stage="self")
    for outsider in (cast.operator_b, cast.office_a, cast.office_b, cast.reviewer):
        with pytest.raises(ServiceError):
            score_stage(instance, "self", "75.0", outsider)
    self_eval.refresh_from_db()
    assert self_eval.status == "draft" and open_specs(instance) == {"self_assessment"}
    score_stage(instance, "self", "75.0", cast.operator_a)
    for outsider in (cast.operator_a, cast.office_b, cast.reviewer):
        with pytest.raises(ServiceError):
            score_stage(instance, "office", "75.0", outsider)
    score_stage(instance, "office", "75.0", cast.office_a)
    for outsider in (cast.operator_b, cast.office_a, cast.reviewer):
        with pytest.raises(ServiceError):
            complete(instance, "apply", outsider, {})
    complete(instance, "apply", cast.operator_a, {})
    for outsider in (cast.operator_a, cast.office_b, cast.reviewer):
        with pytest.raises(ServiceError):
            complete(instance, "office_recommend", outsider, {"office_decision": "recommend"})
    with pytest.raises(ServiceError):  # returning needs reasons
        complete(instance, "office_recommend", cast.office_a, {"office_decision": "return"})
    complete(instance, "office_recommend", cast.office_a, {"office_decision": "recommend"})
    for outsider in (cast.office_a, cast.operator_a, cast.admin):
        with pytest.raises(ServiceError):
            score_stage(instance, "district", "75.0", outsider)
    assert open_specs(instance) == {"district_evaluation"}


@pytest.mark.django_db
def test_generic_task_form_cannot_bypass_the_scorecard(ready: Cast) -> None:
    cast = ready
    project = project_in()
    instance = start(project, cast.office_a)
    draft = Evaluation.objects.get(instance=instance, stage="self")
    # Completing the task by hand with the draft's id (or another id) is not a submission:
    # the process asks again, and the score typed into the form is ignored.
    complete(instance, "self_assessment", cast.operator_a, {"evaluation_id": draft.pk, "total": "99.0"})
    assert open_specs(instance) == {"self_assessment"}
    complete(
        instance, "self_assessment", cast.operator_a, {"evaluation_id": draft.pk + 1000, "total": "99.0"}
    )
    assert open_specs(instance) == {"self_assessment"}
    score_stage(instance, "self", "61.0", cast.operator_a)
    assert open_specs(instance) == {"office_evaluation"}
    assert assessment(instance).self_evaluation == draft


@pytest.mark.django_db
def test_self_assessment_has_a_due_date_and_a_reminder_timer(ready: Cast) -> None:
    from casemgmt.promotion.handlers import REMINDED_PRIORITY, remind
    from workflows import registry

    cast = ready
    project = project_in()
    before = timezone.now()
    instance = start_assessment(
        project.pk, actor=cast.office_a, period_start=PERIOD[0], period_end=PERIOD[1], reminder_days=3
    )
    task = open_task(instance)
    assert task.due_at is not None and task.due_at > before + datetime.timedelta(days=15)
    # The non-interrupting reminder is armed for 3 days after the start (the beat sweep fires it).
    assert instance.next_timer_at is not None
    assert (
        before + datetime.timedelta(days=3)
        <= instance.next_timer_at
        <= timezone.now() + datetime.timedelta(days=3)
    )
    # What the timer's branch runs: the waiting task goes to the top of its group's inbox.
    call = registry.ServiceCall(
        instance=instance, task_spec_id="remind_self", params={"task_spec": "self_assessment"}, data={}
    )
    assert remind(call) == {"reminded": 1}
    task.refresh_from_db()
    assert task.priority == REMINDED_PRIORITY
    score_stage(instance, "self", "50.0", cast.operator_a)
    instance.refresh_from_db()
    assert instance.next_timer_at is None  # submitted: the reminder is withdrawn
