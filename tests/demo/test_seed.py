"""The run command's demo programme (casemgmt/demo/): on an empty database, every seed in
scripts/run's order; each of the demo's states exists and came through its process, and a second
run adds nothing.

The seeds run once for the module (tests/module_world.py); each test's writes are rolled back.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.test import override_settings

from audit.models import AuditEvent
from casemgmt.demo import error_instance
from casemgmt.models import NamingRecord, Outcome, ServiceCase, ServiceProject, ServiceRecord
from casemgmt.promotion.models import ProjectAssessment
from casemgmt.scorecard.models import Evaluation, Evidence, SubItemScore, TypicalCase
from tests.module_world import module_transaction
from workflows import instances, migration
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
pytestmark = pytest.mark.django_db


def run_the_seeds() -> str:
    """scripts/run's seeding lines; returns what the programme command printed."""
    quiet = io.StringIO()
    call_command("deploy_bpmn", str(BPMN), stdout=quiet)
    call_command("seed_demo", stdout=quiet)
    call_command("load_registry", stdout=quiet)
    call_command("load_sample_institutions", stdout=quiet)
    call_command("load_scorecard_template", stdout=quiet)
    call_command("seed_demo_cases", stdout=quiet)
    said = io.StringIO()
    call_command("seed_demo_programme", stdout=said)
    return said.getvalue()


@pytest.fixture(scope="module")
def first_run(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    # VAR_DIR: where seed_demo keeps the demo passwords.
    with override_settings(VAR_DIR=tmp_path_factory.mktemp("var")), module_transaction(django_db_blocker):
        yield run_the_seeds()


@pytest.fixture
def seeded(first_run: str, db: None) -> str:
    return first_run


def assessment(code: str) -> ProjectAssessment:
    return ProjectAssessment.objects.select_related("instance", "project").get(project__code=code)


def open_tasks(instance: ProcessInstance) -> list[tuple[str, str]]:
    rows = HumanTask.objects.filter(instance=instance, status=HumanTask.Status.OPEN)
    return list(rows.values_list("task_spec", "candidate_group"))


def actions_of(instance: ProcessInstance) -> set[tuple[str, str]]:
    rows = AuditEvent.objects.filter(instance_id=instance.pk)
    return set(rows.values_list("action", "actor_username"))


def test_the_first_run_made_every_part(seeded: str) -> None:
    # 方松's cases are seed_demo_cases' (the command before it); the programme made the rest.
    assert seeded.count("made") == 6 and seeded.count("kept") == 1


def test_cases_at_every_stage_and_a_closed_year_of_work(seeded: str) -> None:
    stages = dict(ServiceCase.objects.values_list("idempotency_key", "stage"))
    assert stages == {
        "demo-case-1": "closed",
        "demo-case-2": "follow_up",
        "demo-case-3": "matching",
        "demo-case-4": "intake",
        "demo-xks-case-1": "closed",
        "demo-xks-case-2": "closed",
        "demo-xks-case-3": "closed",
    }
    xks = ServiceRecord.objects.filter(case__project__code="street-xiaokunshan")
    assert xks.values("service_class").distinct().count() == 8
    assert set(xks.values_list("recorded_by__username", flat=True)) == {"xks_operator"}
    assert Outcome.objects.filter(project__code="street-xiaokunshan").count() == 31


def test_a_self_assessment_under_way(seeded: str) -> None:
    record = assessment("street-fangsong")
    assert record.instance.status == InstanceStatus.RUNNING and record.outcome == "in_progress"
    assert open_tasks(record.instance) == [("self_assessment", "operator@operator-fangsong-station")]
    draft = Evaluation.objects.get(instance=record.instance, stage="self")
    assert draft.status == Evaluation.Status.DRAFT and record.self_evaluation == draft
    ticked = SubItemScore.objects.filter(score__evaluation=draft, satisfied=True, sub_item__source="")
    evidence = Evidence.objects.filter(score__evaluation=draft)
    assert ticked.count() == evidence.count() == 10
    assert set(evidence.values_list("uploaded_by__username", flat=True)) == {"operator"}
    # Indicator 14 from the quarter's two accepted typical cases, 8 from the closed case's record.
    items = SubItemScore.objects.filter(score__evaluation=draft, sub_item__source__gt="")
    computed = {
        (item.score.indicator.number, item.sub_item.position): item.points
        for item in items.select_related("score__indicator", "sub_item")
    }
    assert computed[(14, 1)] == computed[(14, 2)] == 2 and computed[(8, 1)] == 1
    assert 0 < draft.total < 60


def test_a_project_named_district_level_through_the_bands(seeded: str) -> None:
    record = assessment("street-xiaokunshan")
    instance = record.instance
    assert instance.status == InstanceStatus.COMPLETED
    assert (record.band, record.district_band, record.outcome) == (
        "district_candidate",
        "district_candidate",
        "named_district",
    )
    evaluations = Evaluation.objects.filter(instance=instance).select_related("submitted_by")
    by_stage = {e.stage: e for e in evaluations}
    assert {stage: e.submitted_by.username for stage, e in by_stage.items() if e.submitted_by} == {
        "self": "xks_operator",
        "office": "xks_office",
        "district": "reviewer",
    }
    assert all(e.total > 70 for e in by_stage.values())
    project = ServiceProject.objects.get(code="street-xiaokunshan")
    assert project.level == "district" and project.name == "松江区智能制造产业质量基础设施“一站式”服务项目"
    naming = NamingRecord.objects.get(project=project)
    assert naming.level == "district" and naming.decided_by is not None
    assert naming.decided_by.username == "reviewer"
    assert {
        ("scorecard.submitted", "xks_operator"),
        ("scorecard.evaluated", "xks_office"),
        ("scorecard.evaluated", "reviewer"),
        ("promotion.decided", "xks_office"),
        ("project.named", "reviewer"),
    } <= actions_of(instance)
    # Most points are the records': indicator 12 (1) is the 16 certificates, 0.5 each.
    certificates = SubItemScore.objects.get(
        score__evaluation=by_stage["district"], score__indicator__number=12, sub_item__position=1
    )
    assert certificates.count == 16 and certificates.points == 8 and not certificates.adjusted


def test_a_project_below_60_under_guidance(seeded: str) -> None:
    record = assessment("street-maogang")
    assert record.instance.status == InstanceStatus.RUNNING
    assert (record.band, record.outcome) == ("unqualified", "unqualified")
    assert record.office_evaluation is not None and record.office_evaluation.total < 60
    assert open_tasks(record.instance) == [("guidance", "office_staff@office-maogang")]
    # The operator's claim for paper records is an adjustment with its reason, which the office's
    # evaluation (computed from the records again) does not carry.
    assert ("scorecard.adjusted", "mg_operator") in actions_of(record.instance)
    assert ("scorecard.evaluated", "mg_office") in actions_of(record.instance)


def test_a_quarter_of_typical_cases_submitted_and_reviewed(seeded: str) -> None:
    instance = ProcessInstance.objects.get(version__process_model__key="typical_cases")
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.business_key.startswith("TC-office-fangsong-")
    cases = TypicalCase.objects.filter(project__code="street-fangsong")
    assert sorted(cases.values_list("status", flat=True)) == ["rejected", "reported_to_city", "selected"]
    people = set(cases.values_list("submitted_by__username", "reviewed_by__username"))
    assert people == {("office", "reviewer")}
    assert cases.get(status="rejected").review_note
    assert {("typical_case.submitted", "office"), ("typical_case.reviewed", "reviewer")} <= set(
        AuditEvent.objects.filter(target_type="typical_case").values_list("action", "actor_username")
    )
    done = HumanTask.objects.filter(instance=instance, status=HumanTask.Status.COMPLETED)
    assert set(done.values_list("task_spec", "completed_by__username")) == {
        ("submit", "office"),
        ("review", "reviewer"),
    }


def test_an_instance_in_error_with_a_newer_version_to_move_to(seeded: str) -> None:
    broken = ProcessInstance.objects.select_related("version").get(business_key=error_instance.BUSINESS_KEY)
    assert broken.status == InstanceStatus.ERROR and broken.error_task_spec == "count"
    assert "quarter_code" in broken.last_error and broken.version.number == 1
    assert ("instance.error", "office") in actions_of(broken)
    versions = ProcessModelVersion.objects.filter(process_model__key=error_instance.MODEL)
    assert sorted(versions.values_list("number", "deployed_by__username")) == [(1, "admin"), (2, "admin")]
    admin = broken.version.deployed_by
    # What the process admin does on the instance page: retry fails the same way; moving to
    # version 2 and retrying carries it on.
    instances.retry(broken.pk, actor=admin, reason="再试一次")
    broken.refresh_from_db()
    assert broken.status == InstanceStatus.ERROR
    plan = migration.plan(broken.pk, actor=admin)
    assert plan.can_migrate and plan.to_version == 2
    migration.migrate(broken.pk, actor=admin, reason="修正参数后迁移", expected=plan.fingerprint)
    instances.retry(broken.pk, actor=admin, reason="已迁移到第 2 版")
    broken.refresh_from_db()
    assert broken.status == InstanceStatus.RUNNING
    assert open_tasks(broken) == [("confirm", "office_staff@office-fangsong")]


COUNTED: tuple[type[Model], ...] = (
    AuditEvent,
    ServiceCase,
    ServiceRecord,
    Outcome,
    ProcessInstance,
    HumanTask,
    ProcessModelVersion,
    Evaluation,
    Evidence,
    TypicalCase,
    NamingRecord,
    ProjectAssessment,
)


def test_a_second_run_adds_nothing(seeded: str) -> None:
    counts = {model.__name__: model._default_manager.count() for model in COUNTED}
    said = run_the_seeds()
    assert said.count("kept") == 7 and "made" not in said
    assert {model.__name__: model._default_manager.count() for model in COUNTED} == counts
