"""Exits: withdrawal at each open stage, cancellation, and the enterprise's online actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from casemgmt.cases.lifecycle import cancel_case, withdraw_case
from casemgmt.cases.lookup import find_case_for_enterprise
from casemgmt.cases.online import submit_feedback_online, withdraw_online
from casemgmt.models import CaseStage, Enterprise, OrgUnit, ServiceCase, ServiceProject
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.personas import ENTERPRISE_A, Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, InstanceStatus

from .support import FEEDBACK, RECORD, instance_of, open_specs, open_task, submit, work


def to_stage(case: ServiceCase, stage: str, cast: Cast) -> ServiceCase:
    steps: list[tuple[str, dict[str, Any]]] = [
        ("review", {}),
        ("match", {"outcome": "expert", "expert": "王工"}),
        ("record", RECORD),
    ]
    order = [CaseStage.INTAKE, CaseStage.MATCHING, CaseStage.FOLLOW_UP, CaseStage.FEEDBACK]
    for spec, data in steps[: order.index(CaseStage(stage))]:
        case = work(case, spec, cast.operator_a, data)
    assert case.stage == stage
    return case


def assert_ended(case: ServiceCase, stage: str) -> None:
    case.refresh_from_db()
    assert case.stage == stage and case.end_reason
    assert case.instance is not None
    case.instance.refresh_from_db()
    assert case.instance.status == InstanceStatus.TERMINATED
    assert not HumanTask.objects.filter(instance=case.instance, status="open").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["intake", "matching", "follow_up", "feedback"])
def test_the_operator_withdraws_on_the_enterprises_behalf_at_any_open_stage(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], stage: str
) -> None:
    case = to_stage(submit(projects[0], cast.operator_a), stage, cast)
    withdraw_case(case.pk, actor=cast.operator_a, reason="企业电话告知不再需要")
    assert_ended(case, CaseStage.WITHDRAWN)
    event = AuditEvent.objects.get(action="case.withdrawn")
    assert event.actor == cast.operator_a and event.reason == "企业电话告知不再需要"
    assert event.before == {"stage": stage}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator_a", "office_a"])
def test_operator_and_office_cancel_with_a_reason(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], who: str
) -> None:
    case = to_stage(submit(projects[0], cast.operator_a), "matching", cast)
    with pytest.raises(InvalidInput) as caught:
        cancel_case(case.pk, actor=getattr(cast, who), reason="  ")
    assert [f.field for f in caught.value.fields] == ["reason"]
    case.refresh_from_db()
    assert case.stage == CaseStage.MATCHING
    cancel_case(case.pk, actor=getattr(cast, who), reason="重复登记")
    assert_ended(case, CaseStage.CANCELLED)
    with pytest.raises(Conflict):
        cancel_case(case.pk, actor=getattr(cast, who), reason="再次")
    with pytest.raises(Conflict):
        withdraw_case(case.pk, actor=getattr(cast, who), reason="再次")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("operator_b", NotFound),
        ("office_b", NotFound),
        ("stranger", NotFound),
        ("auditor", PermissionDenied),
        ("reviewer", PermissionDenied),
        ("enterprise_a", PermissionDenied),
    ],
)
def test_others_cannot_cancel(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], who: str, error: type[Exception]
) -> None:
    case = submit(projects[0], cast.operator_a)
    # enterprise_a owns the case here: it may withdraw but never cancel.
    Enterprise.objects.filter(pk=case.enterprise_id).update(org_unit=OrgUnit.objects.get(code=ENTERPRISE_A))
    with pytest.raises(error):
        cancel_case(case.pk, actor=getattr(cast, who), reason="x")
    case.refresh_from_db()
    assert case.stage == CaseStage.INTAKE and not AuditEvent.objects.filter(action="case.cancelled").exists()


@pytest.mark.django_db
def test_the_enterprise_user_withdraws_its_own_case_only(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    own = submit(projects[0], cast.operator_a, 1)
    other = submit(projects[0], cast.operator_a, 2)
    Enterprise.objects.filter(pk=own.enterprise_id).update(org_unit=OrgUnit.objects.get(code=ENTERPRISE_A))
    with pytest.raises(NotFound):
        withdraw_case(other.pk, actor=cast.enterprise_a, reason="x")
    withdraw_case(own.pk, actor=cast.enterprise_a, reason="已自行解决")
    assert_ended(own, CaseStage.WITHDRAWN)


@pytest.mark.django_db
def test_lookup_needs_the_number_and_the_phone(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = submit(projects[0], None, channel="online", contact_phone="138 0013 8000")
    assert find_case_for_enterprise(case.case_no, "+86 13800138000") == case
    assert find_case_for_enterprise(case.case_no.lower(), "13800138000") == case
    assert find_case_for_enterprise(case.case_no, "13900139000") is None
    assert find_case_for_enterprise("FS-2026-99999", "13800138000") is None
    assert find_case_for_enterprise(case.case_no, "") is None
    assert find_case_for_enterprise("", "") is None


@pytest.mark.django_db
def test_online_withdrawal_with_number_and_phone(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = submit(projects[0], None, channel="online")
    with pytest.raises(NotFound) as wrong_phone:
        withdraw_online(case.case_no, "13900139000", "x")
    with pytest.raises(NotFound) as wrong_case:
        withdraw_online("FS-2000-00001", "13800138000", "x")
    assert wrong_phone.value.as_dict() == wrong_case.value.as_dict()
    with pytest.raises(InvalidInput):
        withdraw_online(case.case_no, "13800138000", "")
    withdraw_online(case.case_no, "13800138000", "不需要了")
    assert_ended(case, CaseStage.WITHDRAWN)
    assert AuditEvent.objects.get(action="case.withdrawn").actor is None


@pytest.mark.django_db
def test_online_feedback_completes_the_feedback_task_even_if_claimed(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = submit(projects[0], None, channel="online")
    with pytest.raises(Conflict):
        submit_feedback_online(case.case_no, "13800138000", FEEDBACK)
    case = to_stage(case, "feedback", cast)
    human_tasks.claim(open_task(case, "feedback").pk, actor=cast.operator_a)
    with pytest.raises(InvalidInput) as caught:
        submit_feedback_online(
            case.case_no, "13800138000", {**FEEDBACK, "rating": "6", "effect_other": "", "cost_saved": -1}
        )
    assert {f.field for f in caught.value.fields} == {"rating", "effect_other", "cost_saved"}
    assert open_specs(case) == {"feedback"}
    with pytest.raises(NotFound):
        submit_feedback_online(case.case_no, "13900139000", FEEDBACK)
    case = submit_feedback_online(case.case_no, "13800138000", FEEDBACK)
    assert case.stage == CaseStage.CLOSED and case.rating == 5
    event = AuditEvent.objects.get(action="case.feedback_received")
    assert isinstance(event.after, dict) and event.after["channel"] == "online" and event.actor is None


@pytest.mark.django_db
def test_staff_feedback_form_refuses_bad_values_and_changes_nothing(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = to_stage(submit(projects[0], cast.operator_a), "feedback", cast)
    for bad in (
        {"rating": "9"},
        {"rating": "5", "effects": ["other"]},
        {"rating": "5", "investment_drawn": -1},
        {"rating": "5", "effects": ["made_up"]},
        {"rating": "5", "new_jobs": 1.5},
    ):
        with pytest.raises(InvalidInput):
            work(case, "feedback", cast.operator_a, bad)
    case.refresh_from_db()
    assert case.stage == CaseStage.FEEDBACK and case.rating is None


@pytest.mark.django_db
def test_match_and_record_forms_refuse_incomplete_entries(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = to_stage(submit(projects[0], cast.operator_a), "matching", cast)
    incomplete: list[dict[str, Any]] = [
        {"outcome": "institution"},
        {"outcome": "expert"},
        {"outcome": "office_help"},
        {},
    ]
    for bad in incomplete:
        with pytest.raises(InvalidInput):
            work(case, "match", cast.operator_a, bad)
    case = work(case, "match", cast.operator_a, {"outcome": "expert", "expert": "王工"})
    for bad in ({**RECORD, "mode": "other"}, {**RECORD, "mode": "bus"}, {**RECORD, "content": ""}):
        with pytest.raises(InvalidInput):
            work(case, "record", cast.operator_a, bad)
    assert case.records.count() == 0


@pytest.mark.django_db
def test_ending_the_process_on_the_board_cancels_the_case(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = to_stage(submit(projects[0], cast.operator_a), "matching", cast)
    instances.terminate(instance_of(case).pk, actor=cast.operator_a, reason="看板上终止")
    assert_ended(case, CaseStage.CANCELLED)
    case.refresh_from_db()
    assert case.end_reason == "看板上终止"
    event = AuditEvent.objects.get(business_key=case.case_no, action="case.cancelled")
    assert event.actor_username == "operator_a" and event.reason == "看板上终止"
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    assert not page.get(reverse("cases-detail", kwargs={"pk": case.pk})).context["orphaned"]


@pytest.mark.django_db
def test_a_withdrawal_is_not_also_recorded_as_a_cancellation(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = to_stage(submit(projects[0], cast.operator_a), "matching", cast)
    withdraw_case(case.pk, actor=cast.operator_a, reason="企业来电撤回")
    assert_ended(case, CaseStage.WITHDRAWN)
    actions = set(AuditEvent.objects.filter(business_key=case.case_no).values_list("action", flat=True))
    assert "case.withdrawn" in actions and "case.cancelled" not in actions
