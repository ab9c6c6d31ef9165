"""The records the masking, reveal and export tests look at: one project of area A, one
enterprise with its own user (enterprise_a), one case of it with a contact of its own."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from audit.access_models import AccessRecord
from casemgmt.models import Enterprise, OrgUnit, ServiceCase, ServiceProject
from tests.factories import make_case, make_enterprise, make_project, make_record
from tests.personas import AREA_A, ENTERPRISE_A, OPERATOR_A

# The enterprise's registered contact and the case's (different on purpose).
ENTERPRISE_PHONE = "+8613912340000"
ENTERPRISE_PHONE_SHOWN = "139 1234 0000"
ENTERPRISE_PHONE_MASKED = "139****0000"
ENTERPRISE_CONTACT = "王小明"
ENTERPRISE_CONTACT_MASKED = "王**"
ADDRESS = "上海市松江区中山街道荣乐东路1号"
ADDRESS_MASKED = "上海市松江区中山街道****"
CASE_PHONE = "+8613598765432"
CASE_PHONE_SHOWN = "135 9876 5432"
CASE_PHONE_MASKED = "135****5432"
CASE_CONTACT = "欧阳娜娜"
CASE_CONTACT_MASKED = "欧***"
# Every full value above: none may appear where the masked one is due.
FULL_VALUES = (
    ENTERPRISE_PHONE,
    ENTERPRISE_PHONE_SHOWN,
    "13912340000",
    ENTERPRISE_CONTACT,
    ADDRESS,
    CASE_PHONE,
    CASE_PHONE_SHOWN,
    "13598765432",
    CASE_CONTACT,
)


@dataclass
class World:
    project: ServiceProject
    enterprise: Enterprise
    case: ServiceCase


def build() -> World:
    project = make_project(
        code="privacy-a",
        case_prefix="PRVA",
        coordinating_office=OrgUnit.objects.get(code=AREA_A),
        operator=OrgUnit.objects.get(code=OPERATOR_A),
    )
    enterprise = make_enterprise(
        org_unit=OrgUnit.objects.get(code=ENTERPRISE_A),
        contact_name=ENTERPRISE_CONTACT,
        phone=ENTERPRISE_PHONE,
        address=ADDRESS,
    )
    case = make_case(
        project=project,
        enterprise=enterprise,
        contact_name=CASE_CONTACT,
        contact_phone=CASE_PHONE,
    )
    make_record(case=case)
    return World(project, enterprise, case)


def client_for(user: object, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def records(kind: str) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(kind=kind).order_by("id"))


def assert_masked(text: str) -> None:
    """No full value of the world in `text`."""
    leaked = [value for value in FULL_VALUES if value in text]
    assert not leaked, f"full personal values shown: {leaked}"
