"""Filling, submitting and handing on a scorecard: evidence, reasons, permissions, the process task."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from casemgmt.models import OutcomeKind, ServiceProject
from casemgmt.scorecard.attachments import add_evidence
from casemgmt.scorecard.models import Evaluation, Evidence, SubItemScore
from casemgmt.scorecard.services import create_evaluation, set_score
from casemgmt.scorecard.submission import submit_evaluation
from core.errors import Conflict, InvalidInput, PermissionDenied
from tests.personas import OPERATOR_A, Cast
from workflows.deploy import bundle_for, deploy
from workflows.instances import start_instance
from workflows.models import HumanTask

from .helpers import END, START, judge, outcomes, pdf, tick_all_checklists

D = Decimal
BPMN = Path(__file__).parent / "bpmn"


def self_assessment(project: ServiceProject, cast: Cast) -> Evaluation:
    return create_evaluation(project, START, END, stage="self", actor=cast.operator_a)


def codes(error: InvalidInput) -> set[tuple[str, str]]:
    return {(f.field, f.code) for f in error.fields}


@pytest.mark.django_db
def test_satisfied_checklist_items_need_evidence(project_a: ServiceProject, cast: Cast) -> None:
    evaluation = self_assessment(project_a, cast)
    judge(evaluation, cast.operator_a)
    set_score(evaluation, 1, 1, satisfied=True, actor=cast.operator_a)
    with pytest.raises(InvalidInput) as refused:
        submit_evaluation(evaluation, actor=cast.operator_a)
    assert codes(refused.value) == {("item_1_1", "evidence_required")}
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"
    add_evidence(evaluation, 1, 1, pdf(), actor=cast.operator_a)
    submitted = submit_evaluation(evaluation, actor=cast.operator_a)
    assert submitted.status == "submitted" and submitted.total == D("14.0")  # 8 + 5 + 1
    assert AuditEvent.objects.filter(action="scorecard.submitted", target_id=str(evaluation.pk)).exists()


@pytest.mark.django_db
def test_judgments_and_adjustments_need_reasons(project_a: ServiceProject, cast: Cast) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 4)
    evaluation = self_assessment(project_a, cast)
    set_score(evaluation, 7, points="6.5", actor=cast.operator_a)
    set_score(evaluation, 12, 1, points="3", actor=cast.operator_a)  # the records prove 2.0
    with pytest.raises(InvalidInput) as refused:
        submit_evaluation(evaluation, actor=cast.operator_a)
    assert codes(refused.value) == {
        ("indicator_7", "reason_required"),
        ("indicator_15", "reason_required"),
        ("item_12_1", "reason_required"),
    }
    row = SubItemScore.objects.get(
        score__evaluation=evaluation, score__indicator__number=12, sub_item__position=1
    )
    assert (row.computed, row.points, row.adjusted) == (D("2.0"), D("3.0"), True)
    set_score(evaluation, 12, 1, points="2", actor=cast.operator_a)  # back to what the records prove
    row.refresh_from_db()
    assert row.adjusted is False


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["8.1", "-1", "7.55", "abc", "NaN"])
def test_judgment_points_outside_the_range_are_refused(
    project_a: ServiceProject, cast: Cast, value: str
) -> None:
    evaluation = self_assessment(project_a, cast)
    with pytest.raises(InvalidInput) as refused:
        set_score(evaluation, 7, points=value, reason="理由", actor=cast.operator_a)
    assert refused.value.fields[0].field == "points"
    assert evaluation.scores.get(indicator__number=7).reason == ""  # nothing changed


@pytest.mark.django_db
def test_bad_evidence_is_refused(project_a: ServiceProject, cast: Cast) -> None:
    evaluation = self_assessment(project_a, cast)
    bad: list[SimpleUploadedFile | str] = [
        SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
        SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
        "javascript:alert(1)",
        "ftp://example.org/x.pdf",
    ]
    for evidence in bad:
        with pytest.raises(InvalidInput):
            set_score(evaluation, 1, 1, satisfied=True, evidence=evidence, actor=cast.operator_a)
    assert not Evidence.objects.exists()
    with pytest.raises(InvalidInput):  # evidence belongs to checklist items only
        add_evidence(evaluation, 12, 1, "https://example.org/x", actor=cast.operator_a)


@pytest.mark.django_db
def test_uploads_are_stored_under_random_names(
    project_a: ServiceProject, cast: Cast, media_root: Path
) -> None:

    evaluation = self_assessment(project_a, cast)
    row = add_evidence(evaluation, 1, 1, pdf("../../etc/passwd.pdf"), actor=cast.operator_a)
    assert row.original_name == "passwd.pdf"  # Django drops the path part already
    assert row.file.name.startswith("scorecard/") and "passwd" not in row.file.name
    # Sealed on disk (core/crypto/storage.py), plain through the storage.
    assert (media_root / row.file.name).read_bytes().startswith(b"pd1.")
    with row.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-")


@pytest.mark.django_db
def test_who_may_start_which_stage(project_a: ServiceProject, project_b: ServiceProject, cast: Cast) -> None:
    allowed = [("self", cast.operator_a), ("office", cast.office_a), ("district", cast.reviewer)]
    for stage, user in allowed:
        create_evaluation(project_a, START, END, stage=stage, actor=user)
    refused = [
        ("self", cast.operator_b),
        ("self", cast.office_a),
        ("self", cast.auditor),
        ("office", cast.office_b),
        ("office", cast.operator_a),
        ("district", cast.office_a),
        ("district", cast.auditor),
        ("self", cast.enterprise_a),
        ("self", cast.stranger),
    ]
    for stage, user in refused:
        with pytest.raises(PermissionDenied):
            create_evaluation(project_a, START, END, stage=stage, actor=user)
    assert Evaluation.objects.count() == 3


@pytest.mark.django_db
def test_only_the_stages_evaluator_scores_and_never_after_submit(
    project_a: ServiceProject, cast: Cast
) -> None:
    evaluation = self_assessment(project_a, cast)
    for user in (cast.office_a, cast.operator_b, cast.reviewer, cast.auditor):
        with pytest.raises(PermissionDenied):
            set_score(evaluation, 7, points="1", reason="x", actor=user)
    judge(evaluation, cast.operator_a)
    submit_evaluation(evaluation, actor=cast.operator_a)
    with pytest.raises(Conflict):
        set_score(evaluation, 7, points="1", reason="x", actor=cast.operator_a)
    with pytest.raises(Conflict):
        submit_evaluation(evaluation, actor=cast.operator_a)


@pytest.mark.django_db
def test_bad_periods_and_foreign_bases_are_refused(
    project_a: ServiceProject, project_b: ServiceProject, cast: Cast
) -> None:
    with pytest.raises(InvalidInput):
        create_evaluation(project_a, END, START, stage="self", actor=cast.operator_a)
    with pytest.raises(InvalidInput):
        create_evaluation(project_a, START, END, stage="boss", actor=cast.operator_a)
    other = create_evaluation(project_b, START, END, stage="self", actor=cast.operator_b)
    with pytest.raises(InvalidInput):
        create_evaluation(project_a, START, END, stage="office", based_on=other, actor=cast.office_a)


@pytest.mark.django_db
def test_the_office_starts_from_the_self_assessment_and_both_are_kept(
    project_a: ServiceProject, cast: Cast
) -> None:
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 6)
    own = self_assessment(project_a, cast)
    tick_all_checklists(own, cast.operator_a)
    judge(own, cast.operator_a, seven="8", fifteen="4")
    own = submit_evaluation(own, actor=cast.operator_a)
    assert own.total == D("48.0")  # 33 checklist points, judgments 8 + 4, six certificates 3
    office = create_evaluation(project_a, START, END, stage="office", based_on=own, actor=cast.office_a)
    assert office.total == own.total and office.template_version_id == own.template_version_id
    assert (
        Evidence.objects.filter(score__evaluation=office).count()
        == Evidence.objects.filter(score__evaluation=own).count()
    )
    set_score(office, 7, points="6", reason="布局与规划部分吻合", actor=cast.office_a)
    set_score(office, 4, 3, satisfied=False, actor=cast.office_a)
    with pytest.raises(InvalidInput) as refused:  # the office changed the operator's answer
        submit_evaluation(office, actor=cast.office_a)
    assert codes(refused.value) == {("item_4_3", "reason_required")}
    set_score(office, 4, 3, reason="未见培训记录", actor=cast.office_a)
    office.refresh_from_db()
    own.refresh_from_db()
    assert own.total - office.total == D("4.0")
    assert own.status == "submitted" and office.status == "draft"
    # The judgment, the changed answer and its reason: each an audited adjustment.
    assert AuditEvent.objects.filter(action="scorecard.adjusted", target_id=str(office.pk)).count() == 3
    submit_evaluation(office, actor=cast.office_a)
    assert AuditEvent.objects.filter(action="scorecard.evaluated", target_id=str(office.pk)).exists()


@pytest.mark.django_db
def test_submitting_completes_the_process_task(project_a: ServiceProject, cast: Cast) -> None:
    deploy(bundle_for(BPMN / "scorecard_task.bpmn"), actor=None, model_key="scorecard_task")
    instance = start_instance("scorecard_task", actor=None, org_unit_code=OPERATOR_A)
    task = HumanTask.objects.get(instance=instance, status="open")
    assert task.candidate_group.endswith("office-fangsong")
    outcomes(project_a, OutcomeKind.QUALITY_HONOUR, "shanghai_brand", 2)
    evaluation = create_evaluation(
        project_a,
        START,
        END,
        stage="office",
        actor=cast.office_a,
        instance=instance,
        task_spec="office_evaluation",
    )
    judge(evaluation, cast.office_a, seven="7.5", fifteen="3")
    submit_evaluation(evaluation, actor=cast.office_a)
    task.refresh_from_db()
    assert task.status == "completed" and task.completed_by == cast.office_a
    instance.refresh_from_db()
    assert instance.status == "completed"
    from workflows import runtime

    data = runtime.load_workflow(instance).data
    assert data["evaluation_id"] == evaluation.pk
    assert (data["total"], data["base"], data["bonus"]) == ("12.5", "10.5", "2.0")


@pytest.mark.django_db
def test_a_closed_task_rolls_the_submission_back(project_a: ServiceProject, cast: Cast) -> None:
    deploy(bundle_for(BPMN / "scorecard_task.bpmn"), actor=None, model_key="scorecard_task")
    instance = start_instance("scorecard_task", actor=None, org_unit_code=OPERATOR_A)
    evaluation = create_evaluation(
        project_a,
        START,
        END,
        stage="office",
        actor=cast.office_a,
        instance=instance,
        task_spec="office_evaluation",
    )
    from workflows import human_tasks

    done = {"evaluation_id": 0, "total": "0.0", "base": "0.0", "bonus": "0.0"}
    human_tasks.complete(HumanTask.objects.get(instance=instance).pk, actor=cast.office_a2, data=done)
    judge(evaluation, cast.office_a)
    with pytest.raises(Conflict):
        submit_evaluation(evaluation, actor=cast.office_a)
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"


@pytest.mark.django_db
def test_the_district_does_the_office_part_for_district_level_projects(cast: Cast, template: object) -> None:
    from casemgmt.models import OrgUnit
    from tests.factories import make_org_unit, make_project

    bureau = OrgUnit.objects.get(code="district")
    operator = make_org_unit(code="operator-district", kind=OrgUnit.Kind.OPERATOR, parent=bureau)
    project = make_project(level="district", coordinating_office=bureau, operator=operator)
    evaluation = create_evaluation(project, START, END, stage="office", actor=cast.reviewer)
    judge(evaluation, cast.reviewer)
    assert submit_evaluation(evaluation, actor=cast.reviewer).status == "submitted"
    with pytest.raises(PermissionDenied):
        create_evaluation(project, START, END, stage="office", actor=cast.office_a)
