"""One user per role and area, the cast every permission test walks through.

Two offices (方松 and 岳阳) each with an operating organization and an enterprise below them, so
that "another area's object" is always at hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from casemgmt.models import OrgUnit
from casemgmt.org.lanes import DISTRICT_CODE
from casemgmt.org.roles import Role

from .factories import make_membership, make_org_unit, make_user

AREA_A = "office-fangsong"
AREA_B = "office-yueyang"
OPERATOR_A = "operator-fs"
OPERATOR_B = "operator-yy"
ENTERPRISE_A = "enterprise-fs"


# Every persona a permission matrix walks, in one order: the cast plus the anonymous visitor.
PERSONA_NAMES = (
    "admin",
    "auditor",
    "reviewer",
    "office_a",
    "office_b",
    "operator_a",
    "operator_b",
    "enterprise_a",
    "stranger",
    "anonymous",
)


@dataclass
class Cast:
    admin: User
    auditor: User
    reviewer: User
    office_a: User
    office_a2: User
    office_b: User
    operator_a: User
    operator_b: User
    enterprise_a: User
    stranger: User
    # A Django superuser with no role: it must be able to do exactly what `stranger` can (the
    # matrices check it against stranger's row), the Django admin site apart.
    superuser: User

    def by_name(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def build_cast() -> Cast:
    district = make_org_unit(code=DISTRICT_CODE, name="松江区市场监督管理局", kind=OrgUnit.Kind.BUREAU)
    office_a = make_org_unit(code=AREA_A, name="方松市场监管所", kind=OrgUnit.Kind.OFFICE, parent=district)
    office_b = make_org_unit(code=AREA_B, name="岳阳市场监管所", kind=OrgUnit.Kind.OFFICE, parent=district)
    operator_a = make_org_unit(code=OPERATOR_A, name="方松驿站", kind=OrgUnit.Kind.OPERATOR, parent=office_a)
    operator_b = make_org_unit(code=OPERATOR_B, name="岳阳运营", kind=OrgUnit.Kind.OPERATOR, parent=office_b)
    enterprise_a = make_org_unit(
        code=ENTERPRISE_A, name="示例企业", kind=OrgUnit.Kind.ENTERPRISE, parent=office_a
    )

    def member(username: str, role: Role, unit: OrgUnit) -> User:
        user = make_user(username=username)
        make_membership(user=user, org_unit=unit, role=role.value)
        return user

    return Cast(
        admin=member("admin", Role.PROCESS_ADMIN, district),
        auditor=member("auditor", Role.AUDITOR, district),
        reviewer=member("reviewer", Role.DISTRICT_REVIEWER, district),
        office_a=member("office_a", Role.OFFICE_STAFF, office_a),
        office_a2=member("office_a2", Role.OFFICE_STAFF, office_a),
        office_b=member("office_b", Role.OFFICE_STAFF, office_b),
        operator_a=member("operator_a", Role.OPERATOR, operator_a),
        operator_b=member("operator_b", Role.OPERATOR, operator_b),
        enterprise_a=member("enterprise_a", Role.ENTERPRISE, enterprise_a),
        stranger=make_user(username="stranger"),
        superuser=make_user(username="superuser", is_staff=True, is_superuser=True),
    )


def another_process_admin(username: str) -> User:
    """A process admin besides the cast's: the second pair of eyes of the studio's reviews."""
    user = make_user(username=username, first_name=username)
    make_membership(
        user=user, org_unit=OrgUnit.objects.get(code=DISTRICT_CODE), role=Role.PROCESS_ADMIN.value
    )
    return user
