"""Proposed changes to an enterprise's master data: accepted (applied through the update path) or
rejected by the enterprise's own staff, audited, stale ones flagged; on the page and in the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import Enterprise, EnterpriseChangeProposal
from casemgmt.registry.enterprise_changes import accept_proposal, reject_proposal
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.factories import make_case
from tests.personas import Cast
from tests.registry import world

pytestmark = pytest.mark.django_db
Api = Callable[[Any], Any]


def client(user: Any, **extra: Any) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE="en", **extra)
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


def page_url(enterprise: Enterprise) -> str:
    return reverse("registry-enterprise", kwargs={"credit_code": enterprise.credit_code})


def decide_url(action: str, proposal: EnterpriseChangeProposal) -> str:
    kwargs = {"credit_code": proposal.enterprise.credit_code, "pk": proposal.pk}
    return reverse(f"registry-enterprise-proposal-{action}", kwargs=kwargs)


def test_accepting_applies_the_values_and_audits_both(cast: Cast) -> None:
    proposal = world.proposal_a()
    accept_proposal(proposal.enterprise.credit_code, proposal.pk, actor=cast.operator_a, reason="电话核实")
    enterprise = Enterprise.objects.get(pk=proposal.enterprise_id)
    assert (enterprise.name, enterprise.phone) == (world.PROPOSED_NAME, "+862157810000")
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == cast.operator_a
    assert proposal.decided_at is not None and proposal.reason == "电话核实"
    accepted = AuditEvent.objects.get(action=Action.ENTERPRISE_CHANGE_ACCEPTED)
    assert accepted.actor == cast.operator_a and accepted.target_id == enterprise.credit_code
    assert accepted.reason == "电话核实"
    updated = AuditEvent.objects.get(action=Action.ENTERPRISE_UPDATED)
    assert updated.after == {"name": world.PROPOSED_NAME, "phone": "+862157810000"}
    with pytest.raises(Conflict) as twice:
        reject_proposal(enterprise.credit_code, proposal.pk, actor=cast.office_a, reason="晚了")
    assert twice.value.code == "proposal_decided"


def test_rejecting_needs_a_reason_and_changes_nothing(cast: Cast) -> None:
    proposal = world.proposal_a()
    code = proposal.enterprise.credit_code
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput):
        reject_proposal(code, proposal.pk, actor=cast.office_a, reason="  ")
    assert AuditEvent.objects.count() == events
    reject_proposal(code, proposal.pk, actor=cast.office_a, reason="企业未确认")
    enterprise = Enterprise.objects.get(pk=proposal.enterprise_id)
    assert enterprise.name == "方松测试企业"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.decided_by) == (
        "rejected",
        "企业未确认",
        cast.office_a,
    )
    assert AuditEvent.objects.get(action=Action.ENTERPRISE_CHANGE_REJECTED).actor == cast.office_a
    assert not AuditEvent.objects.filter(action=Action.ENTERPRISE_UPDATED).exists()


def test_a_stale_proposal_says_so_and_needs_confirmation(cast: Cast) -> None:
    proposal = world.proposal_a()
    enterprise = proposal.enterprise
    Enterprise.objects.filter(pk=enterprise.pk).update(phone="+8613600000000")  # someone edited it since
    html = client(cast.operator_a).get(page_url(enterprise)).content.decode()
    assert 'data-testid="stale"' in html and html.count('data-testid="stale-field"') == 1
    assert 'data-testid="confirm-stale"' in html
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as stale:
        accept_proposal(enterprise.credit_code, proposal.pk, actor=cast.operator_a)
    assert stale.value.code == "proposal_stale" and [f.field for f in stale.value.fields] == ["phone"]
    assert AuditEvent.objects.count() == events
    assert Enterprise.objects.get(pk=enterprise.pk).name == "方松测试企业"
    refused = client(cast.operator_a).post(decide_url("accept", proposal), {"reason": ""})
    assert refused.status_code == 409 and 'data-testid="form-error"' in refused.content.decode()
    done = client(cast.operator_a).post(decide_url("accept", proposal), {"confirm_stale": "1"})
    assert done.status_code == 302
    assert Enterprise.objects.get(pk=enterprise.pk).phone == "+862157810000"
    accepted = AuditEvent.objects.get(action=Action.ENTERPRISE_CHANGE_ACCEPTED).after
    assert accepted is not None and accepted["stale"] == ["phone"]


def test_only_the_enterprises_own_staff_decide(cast: Cast) -> None:
    proposal = world.proposal_a()
    code = proposal.enterprise.credit_code
    for outsider in (cast.office_b, cast.operator_b):
        with pytest.raises(NotFound):
            accept_proposal(code, proposal.pk, actor=outsider)
    with pytest.raises(PermissionDenied):
        accept_proposal(code, proposal.pk, actor=cast.auditor)
    with pytest.raises(PermissionDenied):
        accept_proposal(code, proposal.pk, actor=None)  # no person, no decision
    # Operator B files a case for enterprise A: it now sees the enterprise, but may not decide.
    make_case(project=world.project_b(), enterprise=proposal.enterprise, case_no="REGB-2026-00001")
    assert cast.operator_b.has_perm("casemgmt.registry_view_enterprise", proposal.enterprise)
    with pytest.raises(PermissionDenied):
        accept_proposal(code, proposal.pk, actor=cast.operator_b)
    # The proposal belongs to its enterprise: another enterprise's code does not find it.
    with pytest.raises(NotFound):
        accept_proposal(world.enterprise_b().credit_code, proposal.pk, actor=cast.reviewer)
    assert EnterpriseChangeProposal.objects.get(pk=proposal.pk).status == "pending"


def test_page_shows_pending_proposals_with_forms_for_deciders_only(cast: Cast) -> None:
    proposal = world.proposal_a()
    enterprise = proposal.enterprise
    html = client(cast.office_a).get(page_url(enterprise)).content.decode()
    assert world.PROPOSED_NAME in html and 'data-testid="accept-form"' in html
    assert 'data-testid="reject-form"' in html and 'data-testid="stale"' not in html
    read_only = client(cast.auditor).get(page_url(enterprise)).content.decode()
    assert world.PROPOSED_NAME in read_only and 'data-testid="accept-form"' not in read_only
    listing = client(cast.office_a).get(reverse("registry-enterprises")).content.decode()
    assert 'data-testid="pending-proposals"' in listing
    done = client(cast.office_a).post(decide_url("reject", proposal), {"reason": "不属实"})
    assert done.status_code == 302 and done["Location"] == page_url(enterprise)
    after = client(cast.office_a).get(page_url(enterprise)).content.decode()
    assert 'data-testid="no-proposals"' in after and 'data-testid="decided-proposals"' in after


def test_decisions_need_the_csrf_token(cast: Cast) -> None:
    proposal = world.proposal_a()
    browser = client(cast.office_a, enforce_csrf_checks=True)
    assert browser.post(decide_url("accept", proposal), {}).status_code == 403
    assert EnterpriseChangeProposal.objects.get(pk=proposal.pk).status == "pending"


def test_api_lists_proposals_with_their_changes(cast: Cast, api: Api) -> None:
    proposal = world.proposal_a()
    code = proposal.enterprise.credit_code
    url = reverse("registry-api-enterprise-proposals", kwargs={"credit_code": code})
    rows = api(cast.auditor).get(url).json()
    assert [row["id"] for row in rows] == [proposal.pk]
    assert rows[0]["status"] == "pending" and rows[0]["stale"] is False
    assert rows[0]["case_no"] == "REGA-2026-00001"
    # A list: the phone masked (core.masking), the enterprise's name as proposed.
    assert {c["field"]: c["proposed"] for c in rows[0]["changes"]} == {
        "name": world.PROPOSED_NAME,
        "phone": "021****0000",
    }
    assert api(cast.reviewer).get(url, {"status": "accepted"}).json() == []
    assert api(cast.office_b).get(url).status_code == 404
    accepted = api(cast.reviewer).post(
        reverse("registry-api-enterprise-proposal-accept", kwargs={"credit_code": code, "pk": proposal.pk}),
        {"reason": "核实"},
        format="json",
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["decided_by"] == "reviewer"


def test_another_projects_staff_read_only_the_proposals_of_their_own_cases(cast: Cast, api: Api) -> None:
    proposal = world.proposal_a()
    enterprise = proposal.enterprise
    theirs_case = make_case(project=world.project_b(), enterprise=enterprise, case_no="REGB-2026-00002")
    theirs = EnterpriseChangeProposal.objects.create(
        enterprise=enterprise,
        case=theirs_case,
        proposed={"industry": "乙"},
        current={"industry": enterprise.industry},
    )
    url = reverse("registry-api-enterprise-proposals", kwargs={"credit_code": enterprise.credit_code})
    assert [row["id"] for row in api(cast.operator_b).get(url).json()] == [theirs.pk]
    assert {row["id"] for row in api(cast.operator_a).get(url).json()} == {proposal.pk, theirs.pk}
