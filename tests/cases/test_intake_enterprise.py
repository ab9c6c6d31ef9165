"""Intake and the enterprise master data: a new code registers the enterprise, an existing one is
never overwritten (window, API, online); the differences become a proposal for the enterprise's
own staff, not for the staff of another project who merely filed a case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.consent.notice import current_version
from casemgmt.models import Enterprise, EnterpriseChangeProposal, ServiceProject
from tests.factories import master_data
from tests.personas import Cast

from .support import request_for, submit

pytestmark = pytest.mark.django_db
Api = Callable[[Any], Any]


def test_window_intake_for_a_known_enterprise_proposes_instead_of_overwriting(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    first = submit(projects[0], cast.operator_a, 1)
    before = master_data(first.enterprise)
    second = submit(
        projects[0],
        cast.operator_a,
        1,
        enterprise_name="改名后的企业",
        contact_phone="021-57812345",
        industry="",
    )
    assert second.enterprise_id == first.enterprise_id
    assert master_data(first.enterprise) == before
    proposal = EnterpriseChangeProposal.objects.get(case=second)
    # Only what differs, and never "clear this field" for what was left empty.
    assert proposal.proposed == {"name": "改名后的企业", "phone": "+862157812345"}
    assert proposal.current == {"name": before[0], "phone": before[2]}
    event = AuditEvent.objects.get(action=Action.ENTERPRISE_CHANGE_PROPOSED)
    assert event.actor == cast.operator_a and event.business_key == second.case_no
    submitted = AuditEvent.objects.filter(action=Action.CASE_SUBMITTED, target_id=second.case_no).get().after
    assert submitted is not None and submitted["enterprise_change_proposal"] == proposal.pk


def test_operator_of_another_project_cannot_overwrite_via_api_intake(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], api: Api
) -> None:
    own = submit(projects[0], cast.operator_a, 1)  # enterprise 1 registered with project A
    enterprise = own.enterprise
    before = master_data(enterprise)
    operator_b = api(cast.operator_b)
    code = enterprise.credit_code
    # The registry refuses operator B outright ...
    registry = operator_b.post(reverse("registry-api-enterprises"), {"credit_code": code, "name": "乙改"})
    assert registry.status_code == 409 and registry.json()["code"] == "registered_elsewhere"
    # ... and the intake for project B files B's case, but leaves the master data alone.
    body = {
        "project_code": projects[1].code,
        "credit_code": code,
        "enterprise_name": "乙项目改的名字",
        "contact_name": "乙",
        "contact_phone": "13700001111",
        "need": "检测",
        "catalogue_items": ["testing.1"],
        "address": "乙的地址",
        "consent": {"notice_version": current_version()},
    }
    response = operator_b.post(reverse("cases-api-create"), body, format="json")
    assert response.status_code == 201, response.content
    assert master_data(enterprise) == before
    assert not AuditEvent.objects.filter(action=Action.ENTERPRISE_UPDATED).exists()
    proposal = EnterpriseChangeProposal.objects.get(enterprise=enterprise)
    url_kwargs = {"credit_code": code, "pk": proposal.pk}
    # Having filed a case does not make the enterprise operator B's to change or to decide for.
    assert not cast.operator_b.has_perm("casemgmt.registry_change_enterprise", enterprise)
    patch = operator_b.patch(
        reverse("registry-api-enterprise", kwargs={"credit_code": code}), {"name": "乙改"}, format="json"
    )
    assert patch.status_code == 403
    accept = operator_b.post(reverse("registry-api-enterprise-proposal-accept", kwargs=url_kwargs), {})
    assert accept.status_code == 403
    again = operator_b.post(reverse("registry-api-enterprises"), {"credit_code": code, "name": "乙改"})
    assert again.status_code == 409
    assert master_data(enterprise) == before
    # The enterprise's own project decides.
    decided = api(cast.operator_a).post(
        reverse("registry-api-enterprise-proposal-reject", kwargs=url_kwargs), {"reason": "非本企业提交"}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"
    assert master_data(enterprise) == before


def test_a_new_enterprise_belongs_to_the_project_it_registered_with(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    case = submit(projects[1], cast.operator_b, 5)
    submit(projects[0], cast.operator_a, 5)  # later served by project A too
    enterprise = case.enterprise
    assert cast.operator_b.has_perm("casemgmt.registry_change_enterprise", enterprise)
    assert cast.office_b.has_perm("casemgmt.registry_change_enterprise", enterprise)
    assert not cast.operator_a.has_perm("casemgmt.registry_change_enterprise", enterprise)
    assert cast.operator_a.has_perm("casemgmt.registry_view_enterprise", enterprise)
    assert cast.reviewer.has_perm("casemgmt.registry_change_enterprise", enterprise)
    assert not cast.auditor.has_perm("casemgmt.registry_change_enterprise", enterprise)


def test_a_refused_intake_leaves_no_proposal(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject]
) -> None:
    submit(projects[0], cast.operator_a, 1)
    with pytest.raises(Exception):  # noqa: B017 - InvalidInput; what matters is that nothing remains
        submit(projects[0], cast.operator_a, 1, enterprise_name="新名", contact_phone="12")
    assert not EnterpriseChangeProposal.objects.exists()
    assert request_for(projects[0], 1).credit_code == Enterprise.objects.get().credit_code


def test_case_page_points_staff_to_the_pending_proposal(
    cast: Cast, projects: tuple[ServiceProject, ServiceProject], client: Any
) -> None:
    first = submit(projects[0], cast.operator_a, 1)
    second = submit(projects[0], cast.operator_a, 1, enterprise_name="改名后的企业")
    client.force_login(cast.operator_a)
    page = client.get(reverse("cases-detail", args=[second.pk])).content.decode()
    assert 'data-testid="case-enterprise-proposal"' in page
    assert reverse("registry-enterprise", args=[second.enterprise.credit_code]) in page
    # The first case changed nothing, so its page has nothing to decide.
    first_page = client.get(reverse("cases-detail", args=[first.pk])).content.decode()
    assert 'data-testid="case-enterprise-proposal"' not in first_page
