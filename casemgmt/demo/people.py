"""Who does the demo's work: the demo users of `seed_demo`, and two colleagues for each of the two
other projects the promotion demo needs.

`seed_demo`'s office and operator users belong to 方松 (one office, one project). Naming a project
and guiding another take that project's own operator and office staff, so the demo adds them
here: real users with real memberships, so that every step of those projects' audit trails names
the person of the right unit who did it. They have no usable password (nobody signs in as them;
the Django admin can give one).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from casemgmt.models import Membership, OrgUnit
from casemgmt.org.roles import Role
from core.errors import Conflict

# seed_demo's users (management/commands/seed_demo.py DEMO_USERS).
SEED_USERS = ("admin", "reviewer", "office", "operator")

# username, role, org unit code (made by load_registry), display name
COLLEAGUES = (
    ("xks_operator", Role.OPERATOR, "operator-xiaokunshan-hitech", "小昆山高科技公司质量服务专员"),
    ("xks_office", Role.OFFICE_STAFF, "office-xiaokunshan", "小昆山所工作人员"),
    ("mg_operator", Role.OPERATOR, "operator-maogang-economic", "泖港经济公司质量服务专员"),
    ("mg_office", Role.OFFICE_STAFF, "office-maogang", "泖港所工作人员"),
)


def not_ready(message_en: str, message_zh: str) -> Conflict:
    """What the demo needs first is missing (a command of scripts/run that has not run)."""
    return Conflict(message_en, message_zh, code="demo_not_ready")


@dataclass(frozen=True)
class Staff:
    """The operator and the office staff member of one project."""

    operator: User
    office: User


@dataclass(frozen=True)
class People:
    admin: User
    reviewer: User
    fangsong: Staff  # seed_demo's operator and office users
    xiaokunshan: Staff
    maogang: Staff


def _seed_user(username: str) -> User:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise not_ready(
            f"The demo user {username!r} does not exist: run seed_demo first.",
            f"演示用户 {username} 不存在：请先运行 seed_demo。",
        )
    return user


def _colleague(username: str, role: str, unit_code: str, display: str) -> User:
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is None:
        raise not_ready(
            f"The org unit {unit_code!r} does not exist: run load_registry first.",
            f"组织单位 {unit_code} 不存在：请先运行 load_registry。",
        )
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": display}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, org_unit=unit, role=role)
    return user


def demo_people() -> People:
    """The demo's actors; the colleagues are created the first time."""
    admin, reviewer, office, operator = (_seed_user(name) for name in SEED_USERS)
    with transaction.atomic():
        made = {name: _colleague(name, role, unit, display) for name, role, unit, display in COLLEAGUES}
    return People(
        admin=admin,
        reviewer=reviewer,
        fangsong=Staff(operator=operator, office=office),
        xiaokunshan=Staff(operator=made["xks_operator"], office=made["xks_office"]),
        maogang=Staff(operator=made["mg_operator"], office=made["mg_office"]),
    )
