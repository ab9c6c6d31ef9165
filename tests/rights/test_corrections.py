"""The enterprise's rights (issue 19 item 6): it sees the personal data held about its contacts and
asks for a correction, which its project's staff decide in the personal_data_correction process."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import CorrectionRequest, Enterprise, EnterpriseChangeProposal, OrgUnit
from casemgmt.registry.enterprise_changes import reject_proposal
from casemgmt.rights.corrections import request_correction
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.consent.support import client
from tests.factories import master_data, valid_uscc
from tests.personas import ENTERPRISE_A, Cast
from workflows import human_tasks
from workflows.models import HumanTask, InstanceStatus

from .conftest import World

pytestmark = pytest.mark.django_db
PAGE = "/my/personal-data/"
POST = "/my/personal-data/corrections/"


def ask(browser: Client, enterprise: Enterprise, **changes: Any) -> Any:
    body = {
        "enterprise": enterprise.credit_code,
        "field": "phone",
        "value": "13900001111",
        "note": "换了号码",
    }
    return browser.post(POST, {**body, **changes})


def review_task(request: CorrectionRequest) -> HumanTask:
    return HumanTask.objects.get(instance_id=request.instance_id, status=HumanTask.Status.OPEN)


def test_page_shows_what_is_held_in_full(cast: Cast, world: World) -> None:
    html = client(cast.enterprise_a, "zh-hans").get(PAGE).content.decode()
    assert world.own.credit_code in html and world.case.case_no in html
    # Registered and case contacts in full (the enterprise's own), and the case's consent.
    assert html.count("13800138000") == 2 and "李四" in html
    consents = html.split('data-testid="consents"')[1].split("</table>")[0]
    assert world.case.case_no in consents and "2026-12" in consents and "服务窗口" in consents
    # Nothing of the other enterprise.
    assert world.other.credit_code not in html


def test_page_is_for_enterprise_users_only(cast: Cast, world: World) -> None:
    for user in (cast.operator_a, cast.office_a, cast.reviewer, cast.admin, cast.auditor, cast.stranger):
        assert client(user).get(PAGE).status_code == 403, user
        assert ask(client(user), world.own).status_code == 403, user
    assert Client().get(PAGE).status_code == 302  # to the sign-in page
    assert not CorrectionRequest.objects.exists()


def test_request_starts_the_process_with_a_task_for_the_home_projects_operator(
    cast: Cast, world: World
) -> None:
    response = ask(client(cast.enterprise_a), world.own)
    assert response.status_code == 302 and response["Location"] == PAGE
    request = CorrectionRequest.objects.get()
    assert request.requested_by == cast.enterprise_a and request.note == "换了号码"
    assert request.proposal.status == "pending" and request.proposal.case is None
    assert request.proposal.proposed == {"phone": "+8613900001111"}
    assert request.proposal.current == {"phone": "+8613800138000"}
    task = review_task(request)
    assert task.task_spec == "review_operator" and task.candidate_group == "operator@operator-fs"
    proposed = AuditEvent.objects.get(
        action=Action.ENTERPRISE_CHANGE_PROPOSED, instance_id=request.instance_id
    )
    assert proposed.actor == cast.enterprise_a and proposed.after is not None
    assert proposed.after["correction_request"] == request.pk
    # Nothing changes before a decision.
    assert Enterprise.objects.get(pk=world.own.pk).phone == "+8613800138000"
    page = client(cast.enterprise_a).get(PAGE).content.decode()
    assert 'data-status="pending"' in page and "13900001111" in page


def test_approval_applies_the_change_through_the_enterprise_change_service(cast: Cast, world: World) -> None:
    request = request_correction(cast.enterprise_a, world.own.credit_code, "phone", "13900001111", "")
    task = review_task(request)
    human_tasks.complete(task.pk, actor=cast.operator_a, data={"decision": "approve", "comment": "核实无误"})
    assert Enterprise.objects.get(pk=world.own.pk).phone == "+8613900001111"
    request.refresh_from_db()
    request.proposal.refresh_from_db()
    assert request.proposal.status == "accepted" and request.proposal.decided_by == cast.operator_a
    assert request.proposal.reason == "核实无误"
    assert request.instance is not None and request.instance.status == InstanceStatus.COMPLETED
    updated = AuditEvent.objects.get(action=Action.ENTERPRISE_UPDATED, target_id=world.own.credit_code)
    assert updated.actor == cast.operator_a and updated.after == {"phone": "+8613900001111"}
    assert (
        AuditEvent.objects.filter(action=Action.ENTERPRISE_CHANGE_ACCEPTED, actor=cast.operator_a).count()
        == 1
    )
    page = client(cast.enterprise_a).get(PAGE).content.decode()
    assert 'data-status="accepted"' in page and "核实无误" in page


def test_rejection_changes_nothing(cast: Cast, world: World) -> None:
    before = master_data(world.own)
    request = request_correction(
        cast.enterprise_a, world.own.credit_code, "address", "上海市松江区新地址9号", ""
    )
    human_tasks.complete(
        review_task(request).pk,
        actor=cast.operator_a,
        data={"decision": "reject", "comment": "与营业执照不符"},
    )
    assert master_data(Enterprise.objects.get(pk=world.own.pk)) == before
    request.proposal.refresh_from_db()
    assert request.proposal.status == "rejected" and request.proposal.reason == "与营业执照不符"
    assert not AuditEvent.objects.filter(action=Action.ENTERPRISE_UPDATED).exists()
    assert AuditEvent.objects.filter(action=Action.ENTERPRISE_CHANGE_REJECTED).count() == 1
    page = client(cast.enterprise_a, "zh-hans").get(PAGE).content.decode()
    assert 'data-status="rejected"' in page and "与营业执照不符" in page


def test_another_enterprises_user_can_neither_see_nor_ask(cast: Cast, world: World) -> None:
    other = client(world.enterprise_b).get(PAGE).content.decode()
    assert world.other.credit_code in other and world.own.credit_code not in other
    assert world.case.case_no not in other
    before = (master_data(world.own), AuditEvent.objects.count(), EnterpriseChangeProposal.objects.count())
    assert ask(client(world.enterprise_b), world.own).status_code == 404
    with pytest.raises(NotFound):
        request_correction(world.enterprise_b, world.own.credit_code, "phone", "13900001111")
    assert (
        master_data(world.own),
        AuditEvent.objects.count(),
        EnterpriseChangeProposal.objects.count(),
    ) == before
    assert not CorrectionRequest.objects.exists()


def test_staff_outside_the_enterprises_area_get_no_task(cast: Cast, world: World) -> None:
    request = request_correction(cast.enterprise_a, world.own.credit_code, "contact_name", "王五", "")
    task = review_task(request)
    with pytest.raises(PermissionDenied):  # not their group: refused, nothing decided
        human_tasks.complete(task.pk, actor=cast.operator_b, data={"decision": "approve", "comment": "越权"})
    request.proposal.refresh_from_db()
    assert (
        request.proposal.status == "pending"
        and Enterprise.objects.get(pk=world.own.pk).contact_name == "李四"
    )


def test_an_enterprise_without_a_case_goes_to_its_divisions_office(cast: Cast, world: World) -> None:
    division = OrgUnit.objects.create(
        code="310117099",
        name="测试街道",
        kind=OrgUnit.Kind.DIVISION,
        parent=OrgUnit.objects.get(code="office-fangsong"),
    )
    unit = OrgUnit.objects.create(
        code="enterprise-new", name="新企业", kind=OrgUnit.Kind.ENTERPRISE, parent=division.parent
    )
    fresh = Enterprise.objects.create(
        credit_code=valid_uscc(83), name="无办件企业", phone="13800000083", division=division, org_unit=unit
    )
    cast.enterprise_a.memberships.create(org_unit=unit, role="enterprise")
    request = request_correction(cast.enterprise_a, fresh.credit_code, "phone", "13800000084", "")
    task = review_task(request)
    assert task.task_spec == "review_office" and task.candidate_group == "office_staff@office-fangsong"
    human_tasks.complete(task.pk, actor=cast.office_a, data={"decision": "approve", "comment": "同意"})
    assert Enterprise.objects.get(pk=fresh.pk).phone == "+8613800000084"


def test_bad_requests_are_refused_with_reasons_and_nothing_stored(cast: Cast, world: World) -> None:
    browser = client(cast.enterprise_a)
    bad_phone = ask(browser, world.own, value="12")
    assert bad_phone.status_code == 400 and 'data-testid="error-value"' in bad_phone.content.decode()
    same = ask(browser, world.own, value="13800138000")
    assert same.status_code == 400 and "already" in same.content.decode()
    not_a_field = ask(browser, world.own, field="name", value="改名")
    assert not_a_field.status_code == 400 and 'data-testid="error-field"' in not_a_field.content.decode()
    assert not CorrectionRequest.objects.exists() and not EnterpriseChangeProposal.objects.exists()
    with pytest.raises(InvalidInput):
        request_correction(cast.enterprise_a, world.own.credit_code, "phone", None, "x" * 1001)
    # One pending request per detail.
    assert ask(browser, world.own).status_code == 302
    again = ask(browser, world.own, value="13900002222")
    assert again.status_code == 409 and CorrectionRequest.objects.count() == 1
    with pytest.raises(Conflict):
        request_correction(cast.enterprise_a, world.own.credit_code, "phone", "13900003333")


def test_the_page_says_so_when_no_enterprise_is_registered_for_the_account(cast: Cast) -> None:
    OrgUnit.objects.get(code=ENTERPRISE_A)  # the cast's unit, with no enterprise attached
    html = client(cast.enterprise_a).get(PAGE).content.decode()
    assert 'data-testid="no-enterprise"' in html


def test_a_proposal_decided_on_the_registry_page_ends_the_process_as_decided(
    cast: Cast, world: World
) -> None:
    request = request_correction(cast.enterprise_a, world.own.credit_code, "phone", "13900001111", "")
    reject_proposal(
        world.own.credit_code, request.proposal_id, actor=cast.operator_a, reason="已电话核实，不改"
    )
    human_tasks.complete(
        review_task(request).pk, actor=cast.operator_a, data={"decision": "approve", "comment": "同意"}
    )
    request.refresh_from_db()
    request.proposal.refresh_from_db()
    assert request.instance is not None and request.instance.status == InstanceStatus.COMPLETED
    assert request.proposal.status == "rejected" and request.proposal.reason == "已电话核实，不改"
    assert Enterprise.objects.get(pk=world.own.pk).phone == "+8613800138000"
