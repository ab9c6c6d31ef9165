"""The service process walked through its four stages to closed, by the people in each lane."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from casemgmt.models import CaseStage, ServiceProject, TechnicalInstitution
from core.errors import InvalidInput, PermissionDenied
from tests.personas import Cast
from workflows.models import InstanceStatus

from .support import FEEDBACK, RECORD, instance_of, open_specs, open_task, submit, work


def actions_of(case_no: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(business_key=case_no).order_by("id").values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_operator_takes_a_case_through_all_four_stages_to_closed(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], institution: TechnicalInstitution
) -> None:
    case = submit(projects[0], cast.operator_a)
    assert case.case_no.startswith("FS-") and case.stage == CaseStage.INTAKE
    assert case.instance is not None and case.instance.business_key == case.case_no
    review = open_task(case, "review")
    assert review.candidate_group == "operator@operator-fs"

    case = work(
        case, "review", cast.operator_a, {"need_summary": "需检测机构", "catalogue_items": ["testing.1"]}
    )
    assert case.stage == CaseStage.MATCHING and open_specs(case) == {"match"}

    case = work(case, "match", cast.operator_a, {"outcome": "institution", "institution_id": institution.pk})
    assert case.stage == CaseStage.FOLLOW_UP and case.matched_institution == institution

    case = work(case, "record", cast.operator_a, {**RECORD, "add_another": True})
    assert case.stage == CaseStage.FOLLOW_UP and open_specs(case) == {"record"}
    case = work(
        case, "record", cast.operator_a, {**RECORD, "mode": "other", "mode_description": "线上视频指导"}
    )
    assert case.stage == CaseStage.FEEDBACK and open_specs(case) == {"feedback"}
    assert [(r.mode, r.mode_description) for r in case.records.all()] == [
        ("on_site", ""),
        ("other", "线上视频指导"),
    ]

    case = work(case, "feedback", cast.operator_a, FEEDBACK)
    assert case.stage == CaseStage.CLOSED and case.closed_at is not None
    assert case.rating == 5 and case.effects == ["pass_rate", "other"] and case.effect_other
    assert case.output_added == Decimal("120.50") and case.new_jobs == 2
    assert instance_of(case).status == InstanceStatus.COMPLETED
    actions = actions_of(case.case_no)
    for action in (
        "case.submitted",
        "case.matched",
        "case.service_recorded",
        "case.feedback_received",
        "case.closed",
    ):
        assert action in actions, action
    assert actions.count("case.service_recorded") == 2
    # The handlers' own events and rows name the person who completed the task, not "the system".
    assert {r.recorded_by for r in case.records.all()} == {cast.operator_a}
    recorded = AuditEvent.objects.filter(business_key=case.case_no, action="case.service_recorded")
    assert set(recorded.values_list("actor_username", flat=True)) == {"operator_a"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["office_a", "operator_b", "enterprise_a", "auditor", "reviewer"])
def test_the_wrong_people_cannot_work_the_operator_tasks(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], who: str
) -> None:
    case = submit(projects[0], cast.operator_a)
    with pytest.raises(PermissionDenied):
        work(case, "review", getattr(cast, who), {})
    case.refresh_from_db()
    assert case.stage == CaseStage.INTAKE and open_specs(case) == {"review"}


@pytest.mark.django_db
def test_an_unknown_or_inactive_institution_is_refused_on_the_form(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], institution: TechnicalInstitution
) -> None:
    # The matching form picks the institution from the registry (x-lookup): a number that names
    # no active institution is refused on the field, and the step stays open.
    case = submit(projects[0], cast.operator_a)
    case = work(case, "review", cast.operator_a, {})
    with pytest.raises(InvalidInput) as refused:
        work(case, "match", cast.operator_a, {"outcome": "institution", "institution_id": 999999})
    assert [(f.field, f.code) for f in refused.value.fields] == [("institution_id", "not_found")]
    institution.active = False
    institution.save()
    with pytest.raises(InvalidInput):
        work(case, "match", cast.operator_a, {"outcome": "institution", "institution_id": institution.pk})
    case.refresh_from_db()
    assert case.stage == CaseStage.MATCHING and open_specs(case) == {"match"}
    assert case.matched_institution is None
    case = work(case, "match", cast.operator_a, {"outcome": "expert", "expert": "王工（上海质检院）"})
    assert case.stage == CaseStage.FOLLOW_UP and case.matched_expert == "王工（上海质检院）"
    assert case.matched_institution is None
    assert actions_of(case.case_no).count("case.matched") == 1


@pytest.mark.django_db
def test_the_office_asked_to_help_does_the_matching(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], institution: TechnicalInstitution
) -> None:
    case = submit(projects[0], cast.operator_a)
    case = work(case, "review", cast.operator_a, {})
    case = work(
        case, "match", cast.operator_a, {"outcome": "office_help", "matching_note": "找不到合适的机构"}
    )
    assert case.office_help_requested and open_specs(case) == {"office_match"}
    task = open_task(case, "office_match")
    assert task.candidate_group == "office_staff@office-fangsong"
    with pytest.raises(PermissionDenied):
        work(case, "office_match", cast.office_b, {"office_outcome": "expert", "office_expert": "x"})
    with pytest.raises(PermissionDenied):
        work(case, "office_match", cast.operator_a, {"office_outcome": "expert", "office_expert": "x"})
    case = work(
        case,
        "office_match",
        cast.office_a,
        {"office_outcome": "institution", "office_institution_id": institution.pk, "office_note": "已联系"},
    )
    assert case.stage == CaseStage.FOLLOW_UP and case.matched_institution == institution
    assert open_task(case, "record").candidate_group == "operator@operator-fs"


@pytest.mark.django_db
def test_a_service_date_in_the_future_is_sent_back(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = submit(projects[0], cast.operator_a)
    case = work(case, "review", cast.operator_a, {})
    case = work(case, "match", cast.operator_a, {"outcome": "expert", "expert": "王工"})
    case = work(case, "record", cast.operator_a, {**RECORD, "served_on": "2999-01-01"})
    assert case.records.count() == 0 and open_specs(case) == {"record"}
    assert case.stage == CaseStage.FOLLOW_UP
