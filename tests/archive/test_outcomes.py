"""Recording and correcting outcomes: every bad input is refused with a named field and changes
nothing; every accepted write is audited (corrections with before, after and the reason)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from audit.verify import verify_chain
from casemgmt.archive.outcomes import correct_outcome, record_outcome
from casemgmt.models import Outcome
from core.errors import InvalidInput, NotFound, PermissionDenied
from tests.factories import make_case, make_outcome

from .conftest import Area

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def valid(area: Area, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "project": area.project_a,
        "case": area.case_a,
        "kind": "certificate",
        "subtype": "calibration",
        "title": "校准证书",
        "obtained_on": TODAY - timedelta(days=3),
        "number": "JZ-001",
        "issuer": "上海市计量测试技术研究院",
    }
    fields.update(changes)
    return fields


def state() -> tuple[list[tuple[Any, ...]], int]:
    return list(Outcome.objects.order_by("pk").values_list()), AuditEvent.objects.count()


def refused(area: Area, **changes: Any) -> InvalidInput:
    before = state()
    with pytest.raises(InvalidInput) as caught:
        record_outcome(actor=area.cast.operator_a, **valid(area, **changes))
    assert state() == before
    for item in caught.value.fields:
        assert item.message_zh and item.message_en and item.message_zh != item.message_en
    return caught.value


def fields_of(error: InvalidInput) -> dict[str, str]:
    return {item.field: item.code for item in error.fields}


def test_recording_an_outcome_is_audited(area: Area) -> None:
    outcome = record_outcome(actor=area.cast.operator_a, **valid(area, enterprise=None))
    # Without an enterprise the case's is taken.
    assert outcome.enterprise_id == area.enterprise.pk
    assert outcome.recorded_by == area.cast.operator_a
    event = AuditEvent.objects.get(action=Action.OUTCOME_RECORDED.value)
    assert (event.target_type, event.target_id) == ("outcome", str(outcome.pk))
    assert event.business_key == "FS-2026-00001"
    assert event.actor_username == "operator_a"
    assert event.after is not None
    assert (event.after["subtype"], event.after["number"]) == ("calibration", "JZ-001")
    assert event.before is None
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"kind": "prize"}, "kind", "invalid_choice"),
        ({"subtype": "patent"}, "subtype", "wrong_kind"),  # a consulting subtype under certificate
        ({"subtype": ""}, "subtype", "wrong_kind"),
        ({"title": "   "}, "title", "required"),
        ({"title": "证" * 301}, "title", "too_long"),
        ({"number": ""}, "number", "required"),
        ({"number": "N" * 101}, "number", "too_long"),
        ({"issuer": "I" * 201}, "issuer", "too_long"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url", "invalid"),
        ({"obtained_on": None}, "obtained_on", "required"),
        ({"obtained_on": "2026-02-30"}, "obtained_on", "invalid"),
        ({"obtained_on": TODAY + timedelta(days=1)}, "obtained_on", "future"),
        ({"case": None, "enterprise": None}, "enterprise", "required"),
        ({"enterprise": 999999}, "enterprise", "does_not_exist"),
        ({"case": 999999}, "case", "does_not_exist"),
    ],
)
def test_each_bad_input_is_refused_and_nothing_changes(
    area: Area, changes: dict[str, Any], field: str, code: str
) -> None:
    error = refused(area, **changes)
    assert fields_of(error).get(field) == code, error.fields


def test_a_case_of_another_project_is_refused(area: Area) -> None:
    # case_b belongs to project B; admin may record for project A.
    before = state()
    with pytest.raises(InvalidInput) as caught:
        record_outcome(actor=area.cast.admin, **valid(area, case=area.case_b))
    assert fields_of(caught.value)["case"] == "other_project"
    assert state() == before


def test_a_case_of_another_enterprise_is_refused(area: Area) -> None:
    error = refused(area, enterprise=area.other)
    assert fields_of(error)["case"] == "other_enterprise"


def test_a_quality_honour_may_belong_to_the_project_alone(area: Area) -> None:
    outcome = record_outcome(
        actor=area.cast.office_a,
        project=area.project_a,
        kind="quality_honour",
        subtype="typical_case",
        title="质量典型案例",
        obtained_on=str(TODAY),
    )
    assert outcome.enterprise_id is None and outcome.case_id is None
    assert outcome.obtained_on == TODAY


def test_several_errors_are_reported_together(area: Area) -> None:
    error = refused(area, title="", number="", obtained_on=TODAY + timedelta(days=9))
    assert set(fields_of(error)) == {"title", "number", "obtained_on"}


@pytest.mark.parametrize("persona", ["auditor", "reviewer", "enterprise_a"])
def test_those_who_only_see_may_not_record(area: Area, persona: str) -> None:
    before = state()
    with pytest.raises(PermissionDenied):
        record_outcome(actor=getattr(area.cast, persona), **valid(area))
    assert state() == before


@pytest.mark.parametrize("persona", ["office_b", "operator_b", "stranger"])
def test_another_areas_project_does_not_exist_for_them(area: Area, persona: str) -> None:
    before = state()
    with pytest.raises(NotFound):
        record_outcome(actor=getattr(area.cast, persona), **valid(area))
    assert state() == before


def test_the_projects_own_people_and_admins_record(area: Area) -> None:
    for persona in ("operator_a", "office_a", "admin"):
        record_outcome(actor=getattr(area.cast, persona), **valid(area, title=f"证书 {persona}"))
    assert Outcome.objects.count() == 3
    # And project B's operator for project B.
    record_outcome(actor=area.cast.operator_b, **valid(area, project=area.project_b, case=area.case_b))


def test_a_correction_is_audited_with_before_after_and_reason(area: Area) -> None:
    outcome = make_outcome(case=area.case_a, number="JZ-1", obtained_on=date(2026, 1, 5))
    correct_outcome(
        outcome.pk,
        {"number": "JZ-2", "obtained_on": "2026-01-06", "title": outcome.title},
        area.cast.office_a,
        " 编号录错 ",
    )
    outcome.refresh_from_db()
    assert (outcome.number, outcome.obtained_on) == ("JZ-2", date(2026, 1, 6))
    event = AuditEvent.objects.get(action=Action.OUTCOME_CORRECTED.value)
    assert event.before == {"number": "JZ-1", "obtained_on": "2026-01-05"}
    assert event.after == {"number": "JZ-2", "obtained_on": "2026-01-06"}
    assert event.reason == "编号录错"
    assert event.actor_username == "office_a"
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("changes", "reason", "field", "code"),
    [
        ({"title": "新名称"}, "", "reason", "required"),
        ({"title": "新名称"}, "   ", "reason", "required"),
        ({"project": 1}, "理由", "project", "not_correctable"),
        ({}, "理由", "changes", "required"),
        ({"subtype": "patent"}, "理由", "subtype", "wrong_kind"),
        ({"number": ""}, "理由", "number", "required"),
        ({"obtained_on": "2999-01-01"}, "理由", "obtained_on", "future"),
        ({"enterprise": None, "case": None}, "理由", "enterprise", "required"),
    ],
)
def test_bad_corrections_change_nothing(
    area: Area, changes: dict[str, Any], reason: str, field: str, code: str
) -> None:
    outcome = make_outcome(case=area.case_a, number="JZ-1")
    before = state()
    with pytest.raises(InvalidInput) as caught:
        correct_outcome(outcome.pk, changes, area.cast.operator_a, reason)
    assert fields_of(caught.value).get(field) == code, caught.value.fields
    assert state() == before


def test_a_correction_that_changes_nothing_is_refused(area: Area) -> None:
    outcome = make_outcome(case=area.case_a, number="JZ-1")
    before = state()
    with pytest.raises(InvalidInput) as caught:
        correct_outcome(outcome.pk, {"number": "JZ-1"}, area.cast.operator_a, "没变")
    assert caught.value.code == "unchanged"
    assert state() == before


def test_correction_permissions(area: Area) -> None:
    outcome = make_outcome(case=area.case_a, number="JZ-1")
    before = state()
    for persona in ("auditor", "reviewer", "enterprise_a"):
        with pytest.raises(PermissionDenied):
            correct_outcome(outcome.pk, {"number": "X"}, getattr(area.cast, persona), "理由")
    for persona in ("office_b", "operator_b", "stranger"):
        with pytest.raises(NotFound):
            correct_outcome(outcome.pk, {"number": "X"}, getattr(area.cast, persona), "理由")
    with pytest.raises(NotFound):
        correct_outcome(999999, {"number": "X"}, area.cast.admin, "理由")
    assert state() == before


def test_moving_an_outcome_to_another_case_of_the_enterprise(area: Area) -> None:
    second = make_case(project=area.project_a, enterprise=area.enterprise, case_no="FS-2026-00002")
    outcome = make_outcome(case=area.case_a, number="JZ-1")
    correct_outcome(outcome.pk, {"case": second.pk}, area.cast.operator_a, "关联错办件")
    outcome.refresh_from_db()
    assert outcome.case_id == second.pk
    event = AuditEvent.objects.get(action=Action.OUTCOME_CORRECTED.value)
    assert event.before == {"case": area.case_a.pk} and event.after == {"case": second.pk}
