"""Registry objects in the cast's org units, made on demand (idempotently) for matrix rows and tests.

Project A is coordinated by office A (office-fangsong) and run by operator A (operator-fs); its
station has one public contact and one private staff member. Enterprise A sits in a division of
office A's area and has a case of project A; enterprise B sits in office B's area and has none.
"""

from __future__ import annotations

from casemgmt.models import (
    Enterprise,
    EnterpriseChangeProposal,
    OrgUnit,
    ServiceCase,
    ServiceProject,
    ServiceStation,
    StationStaff,
)
from tests.factories import make_case, make_enterprise, make_org_unit, make_project, valid_uscc
from tests.personas import AREA_A, AREA_B, OPERATOR_A, OPERATOR_B

PRIVATE_PHONE = "+8613912345678"
PUBLIC_PHONE = "+8602157811111"
COMPLAINT_PHONE = "+8602157812345"


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def division(code: str, name: str, office: str) -> OrgUnit:
    return make_org_unit(code=code, name=name, kind=OrgUnit.Kind.DIVISION, parent=unit(office))


def project_a() -> ServiceProject:
    project = make_project(
        code="reg-project-a",
        case_prefix="REGA",
        name="方松测试服务项目",
        coordinating_office=unit(AREA_A),
        operator=unit(OPERATOR_A),
    )
    project.divisions.add(division("div-fs", "方松街道", AREA_A))
    return project


def project_b() -> ServiceProject:
    """A project of office B's area, run by operator B."""
    return make_project(
        code="reg-project-b",
        case_prefix="REGB",
        name="岳阳测试服务项目",
        coordinating_office=unit(AREA_B),
        operator=unit(OPERATOR_B),
    )


def station_a() -> ServiceStation:
    station, created = ServiceStation.objects.get_or_create(
        project=project_a(),
        name="方松质量服务站",
        defaults={
            "address": "上海市松江区方松路1号",
            "service_window": "一楼3号窗口",
            "opening_hours": "工作日 9:00–17:00",
            "complaint_phone": COMPLAINT_PHONE,
            "published_items": ["metrology.1", "testing.1"],
        },
    )
    if created:
        StationStaff.objects.create(
            station=station, name="公开联系人", post=StationStaff.Post.FULL_TIME_SPECIALIST,
            phone=PUBLIC_PHONE, is_public_contact=True,
        )  # fmt: skip
        StationStaff.objects.create(
            station=station, name="内部专员", post=StationStaff.Post.PART_TIME_SPECIALIST, phone=PRIVATE_PHONE
        )
    return station


def private_staff() -> StationStaff:
    return station_a().staff.get(is_public_contact=False)


def enterprise_a() -> Enterprise:
    enterprise = make_enterprise(
        credit_code=valid_uscc(9001), name="方松测试企业", division=division("div-fs", "方松街道", AREA_A)
    )
    if not ServiceCase.objects.filter(enterprise=enterprise).exists():
        make_case(project=project_a(), enterprise=enterprise, case_no="REGA-2026-00001")
    return enterprise


def enterprise_b() -> Enterprise:
    return make_enterprise(
        credit_code=valid_uscc(9002), name="岳阳测试企业", division=division("div-yy", "岳阳街道", AREA_B)
    )


PROPOSED_NAME = "方松测试企业（拟更名）"


def proposal_a() -> EnterpriseChangeProposal:
    """A pending change to enterprise A's name and phone, proposed by its case in project A."""
    enterprise = enterprise_a()
    case = ServiceCase.objects.get(case_no="REGA-2026-00001")
    found, _ = EnterpriseChangeProposal.objects.get_or_create(
        case=case,
        defaults={
            "enterprise": enterprise,
            "proposed": {"name": PROPOSED_NAME, "phone": "+862157810000"},
            "current": {"name": enterprise.name, "phone": enterprise.phone},
        },
    )
    return found
