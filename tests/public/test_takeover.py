"""The public-intake takeover (issue 13 item 1): an anonymous intake with a victim's credit code must
neither change the victim's master data nor open the victim's cases.

Reproduction: submit /public/intake/ for another project with the victim's credit code and an
attacker phone, then look the victim's case up with that phone, read it and withdraw it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.cases.online import withdraw_online
from casemgmt.models import (
    Enterprise,
    EnterpriseChangeProposal,
    IntakeEnterpriseDetails,
    OrgUnit,
    ServiceCase,
    ServiceProject,
)
from core.errors import NotFound
from tests.factories import make_org_unit, make_project, master_data

from .support import intake_body

pytestmark = pytest.mark.django_db
VICTIM_PHONE = "13912345678"
ATTACKER_PHONE = "13700001111"
ATTACK = {
    "enterprise_name": "攻击者改的名字有限公司",
    "address": "攻击者的地址",
    "size_class": "large",
    "industry": "攻击者行业",
    "contact_name": "攻击者",
    "contact_phone": ATTACKER_PHONE,
    "need": "随便提个需求",
    "idempotency_key": "attacker-key-0001",
}


def other_project() -> ServiceProject:
    office = make_org_unit(code="office-yueyang", name="岳阳市场监管所", kind=OrgUnit.Kind.OFFICE)
    operator = make_org_unit(code="operator-yy", name="岳阳驿站", kind=OrgUnit.Kind.OPERATOR, parent=office)
    return make_project(
        code="yueyang",
        case_prefix="YY",
        name="岳阳街道质量服务驿站",
        coordinating_office=office,
        operator=operator,
    )


def submitted(client: Client, project: ServiceProject | str, **overrides: str) -> ServiceCase:
    response = client.post("/public/intake/", intake_body(project, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ServiceCase.objects.get(case_no=response["Location"].split("/")[3])


def test_public_intake_never_overwrites_enterprise_master_data(
    project: ServiceProject, service_case_process: None
) -> None:
    victim_case = submitted(Client(), project)
    enterprise = victim_case.enterprise
    before = master_data(enterprise)
    assert before[0] == "上海松江示例精密机械有限公司" and before[2] == "+86" + VICTIM_PHONE

    attack = submitted(Client(), other_project(), **ATTACK)

    assert attack.enterprise_id == enterprise.pk
    assert master_data(enterprise) == before
    assert not AuditEvent.objects.filter(action=Action.ENTERPRISE_UPDATED).exists()
    # What the attacker typed stays with the attacker's case, as typed ...
    typed = IntakeEnterpriseDetails.objects.get(case=attack)
    assert (typed.name, typed.address, typed.size_class, typed.industry) == (
        "攻击者改的名字有限公司",
        "攻击者的地址",
        "large",
        "攻击者行业",
    )
    assert attack.contact_phone == "+86" + ATTACKER_PHONE
    # ... and the differences wait, as a proposal, for the enterprise's own staff.
    proposal = EnterpriseChangeProposal.objects.get(case=attack)
    assert proposal.status == "pending" and proposal.enterprise_id == enterprise.pk
    assert proposal.proposed == {
        "name": "攻击者改的名字有限公司",
        "contact_name": "攻击者",
        "phone": "+86" + ATTACKER_PHONE,
        "address": "攻击者的地址",
        "size_class": "large",
        "industry": "攻击者行业",
    }
    assert proposal.current["name"] == before[0] and proposal.current["phone"] == before[2]
    event = AuditEvent.objects.get(action=Action.ENTERPRISE_CHANGE_PROPOSED)
    assert event.actor is None and event.target_id == enterprise.credit_code
    # The archive's and the process's name is still the registered one.
    assert attack.instance is not None and attack.instance.subject == before[0]


def test_status_lookup_accepts_only_the_case_phone(
    project: ServiceProject, service_case_process: None
) -> None:
    victim_case = submitted(Client(), project)
    # Even if the master data did carry the attacker's phone (say, a proposal was accepted in
    # error), the victim's case opens only with the phone given with that case.
    Enterprise.objects.filter(pk=victim_case.enterprise_id).update(phone="+86" + ATTACKER_PHONE)
    attacker = Client(HTTP_ACCEPT_LANGUAGE="en")
    refused = attacker.post("/public/status/", {"case_no": victim_case.case_no, "phone": ATTACKER_PHONE})
    assert refused.status_code == 400
    assert "No case matches" in refused.content.decode()
    assert attacker.get(f"/public/status/{victim_case.case_no}/").status_code == 302  # back to the lookup
    with pytest.raises(NotFound):
        withdraw_online(victim_case.case_no, ATTACKER_PHONE, "不需要了")
    victim = Client()
    assert (
        victim.post("/public/status/", {"case_no": victim_case.case_no, "phone": VICTIM_PHONE}).status_code
        == 302
    )
    assert victim.get(f"/public/status/{victim_case.case_no}/").status_code == 200


def test_the_reproduced_takeover_no_longer_works(project: ServiceProject, service_case_process: None) -> None:
    """The tester's steps end to end: intake with the victim's code, look up, withdraw."""
    victim_case = submitted(Client(), project)
    attacker = Client()
    submitted(attacker, other_project(), **ATTACK)
    looked = attacker.post("/public/status/", {"case_no": victim_case.case_no, "phone": ATTACKER_PHONE})
    assert looked.status_code == 400
    withdrawn = attacker.post(f"/public/status/{victim_case.case_no}/withdraw/", {"reason": "撤回"})
    assert withdrawn.status_code == 302 and "/public/status/" in withdrawn["Location"]
    victim_case.refresh_from_db()
    assert victim_case.stage == ServiceCase.Stage.INTAKE
    assert victim_case.enterprise.name == "上海松江示例精密机械有限公司"


def test_a_new_credit_code_is_still_registered_from_the_intake(
    project: ServiceProject, service_case_process: None
) -> None:
    case = submitted(Client(), project)
    enterprise = case.enterprise
    assert master_data(enterprise) == (
        "上海松江示例精密机械有限公司",
        "李四",
        "+86" + VICTIM_PHONE,
        "上海市松江区示例路8号",
        "small",
        "通用设备制造",
    )
    assert AuditEvent.objects.filter(action=Action.ENTERPRISE_REGISTERED).count() == 1
    assert not EnterpriseChangeProposal.objects.exists()
    # The same details again (another request of the same enterprise) propose nothing.
    submitted(Client(), project, idempotency_key="second-request-key", need="再提一个需求")
    assert not EnterpriseChangeProposal.objects.exists()
