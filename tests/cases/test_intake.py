"""Intake: validation (every bad field at once, nothing written), permissions, numbering, idempotency."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEvent
from casemgmt.cases.intake import submit_case
from casemgmt.cases.numbering import case_year
from casemgmt.models import CaseNumberSequence, Enterprise, ServiceCase, ServiceProject
from core.errors import Conflict, InvalidInput, PermissionDenied
from tests.personas import Cast
from workflows.models import ProcessInstance

from .support import request_for, submit


def counts() -> tuple[int, int, int, int, int]:
    return (
        ServiceCase.objects.count(),
        Enterprise.objects.count(),
        ProcessInstance.objects.count(),
        AuditEvent.objects.count(),
        sum(CaseNumberSequence.objects.values_list("last_number", flat=True)),
    )


@pytest.mark.django_db
def test_window_intake_registers_enterprise_numbers_case_and_starts_process(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = submit(projects[0], cast.operator_a, 7, catalogue_items=("testing.1", "metrology.1", "testing.1"))
    year = case_year()
    assert case.case_no == f"FS-{year}-00001"
    assert case.contact_phone == "+8613800138000" and case.channel == "window"
    assert case.catalogue_items == ["testing.1", "metrology.1"]
    assert case.submitted_by == cast.operator_a
    enterprise = case.enterprise
    assert enterprise.name == "上海松江测试企业7有限公司" and enterprise.size_class == "small"
    instance = case.instance
    assert instance is not None and instance.org_unit_code == "operator-fs"
    assert instance.subject == enterprise.name
    event = AuditEvent.objects.get(action="case.submitted")
    assert event.target_id == case.case_no and event.actor == cast.operator_a
    assert submit(projects[0], cast.operator_a, 8).case_no == f"FS-{year}-00002"
    assert submit(projects[1], cast.operator_b, 9).case_no == f"YY-{year}-00001"


@pytest.mark.django_db
def test_the_year_is_shanghais() -> None:
    # 2026-12-31 17:00 UTC is already New Year's Day in Shanghai.
    assert case_year(datetime(2026, 12, 31, 17, 0, tzinfo=ZoneInfo("UTC"))) == 2027
    assert case_year(datetime(2026, 12, 31, 15, 59, tzinfo=ZoneInfo("UTC"))) == 2026


@pytest.mark.django_db
def test_every_bad_field_is_reported_at_once_and_nothing_changes(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    submit(projects[0], cast.operator_a, 1)
    before = counts()
    bad = request_for(
        projects[0],
        2,
        credit_code="91310117000000000X",
        enterprise_name=" ",
        contact_name="",
        contact_phone="12345",
        need="   ",
        catalogue_items=("testing.1", "nonsense.9"),
        size_class="huge",
        industry="x" * 101,
    )
    with pytest.raises(InvalidInput) as caught:
        submit_case(bad, actor=cast.operator_a)
    fields = {f.field for f in caught.value.fields}
    assert fields == {
        "credit_code",
        "enterprise_name",
        "contact_name",
        "contact_phone",
        "need",
        "catalogue_items",
        "size_class",
        "industry",
    }
    assert all(f.message_zh and f.message_en for f in caught.value.fields)
    assert counts() == before


@pytest.mark.django_db
def test_unknown_and_inactive_projects_are_refused(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        submit_case(request_for(projects[0], project_code="no-such"), actor=cast.admin)
    assert [f.code for f in caught.value.fields] == ["unknown_project"]
    projects[0].status = ServiceProject.Status.SUSPENDED
    projects[0].save()
    with pytest.raises(InvalidInput) as caught:
        submit_case(request_for(projects[0]), actor=cast.operator_a)
    assert [f.code for f in caught.value.fields] == ["inactive_project"]
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator_b", "office_b", "enterprise_a", "auditor", "stranger"])
def test_staff_outside_the_project_and_other_roles_cannot_register(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], who: str
) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        submit(projects[0], getattr(cast, who))
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator_a", "office_a", "reviewer", "admin"])
def test_staff_of_the_project_register_at_the_window(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], who: str
) -> None:
    assert submit(projects[0], getattr(cast, who)).stage == "intake"


@pytest.mark.django_db
def test_public_submissions_are_online_only_and_staff_ones_never_online(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    with pytest.raises(PermissionDenied):
        submit(projects[0], None, channel="window")
    with pytest.raises(PermissionDenied):
        submit(projects[0], cast.operator_a, channel="online")
    case = submit(projects[0], None, channel="online")
    assert case.channel == "online" and case.submitted_by is None
    assert AuditEvent.objects.get(action="case.submitted").actor is None


@pytest.mark.django_db
def test_the_same_idempotency_key_returns_the_first_case(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    first = submit(projects[0], None, channel="online", idempotency_key="k-1")
    before = counts()
    again = submit(projects[0], None, channel="online", idempotency_key="k-1")
    assert again.pk == first.pk and again.case_no == first.case_no
    assert counts() == before
    with pytest.raises(Conflict) as caught:
        submit(projects[0], None, channel="online", idempotency_key="k-1", need="另一个需求")
    assert caught.value.code == "idempotency_conflict"
    assert counts() == before
    other = submit(projects[0], None, channel="online", idempotency_key="k-2")
    assert other.case_no != first.case_no


@pytest.mark.django_db
def test_a_refused_intake_leaves_no_gap_in_the_numbers(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    year = case_year()
    assert submit(projects[0], cast.operator_a, 1).case_no == f"FS-{year}-00001"
    # The process model is gone for a moment: the case, its number and the enterprise roll back.
    ServiceProject.objects.filter(pk=projects[0].pk).update(status=ServiceProject.Status.ACTIVE)
    from workflows.models import ProcessModel

    # (Versions are immutable and cached per process, so the model itself is renamed away.)
    ProcessModel.objects.filter(key="service_case").update(key="service_case_gone")
    with pytest.raises(Exception):  # noqa: B017 - whatever the engine raises, nothing may remain
        submit(projects[0], cast.operator_a, 2)
    ProcessModel.objects.filter(key="service_case_gone").update(key="service_case")
    assert not Enterprise.objects.filter(name="上海松江测试企业2有限公司").exists()
    assert submit(projects[0], cast.operator_a, 3).case_no == f"FS-{year}-00002"
