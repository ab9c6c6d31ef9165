"""manage.py seed_demo — org units and one demo user per role; prints the logins.

Passwords are generated on first run and kept in the data folder (not in the repository),
so a second run prints the same logins. Every one passes AUTH_PASSWORD_VALIDATORS.

No demo user with a role is a Django superuser: a superuser's `has_perm` would otherwise have
skipped the rules (casemgmt/org/work_permissions.py). The Django admin site has its own account,
SITE_ADMIN, with no role at all: it can use the admin site and nothing else.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction

from casemgmt.models import Membership, OrgUnit
from casemgmt.org.roles import Role
from casemgmt.org.seed import load_org_units

DEMO_OPERATOR_UNIT = ("operator-fangsong-station", "方松街道质量服务驿站", "Fangsong quality service station")
DEMO_ENTERPRISE_UNIT = ("enterprise-demo", "上海示例精密制造有限公司", "Demo Precision Manufacturing Co.")

# username, role, org unit code, display name
DEMO_USERS = [
    ("admin", Role.PROCESS_ADMIN, "district", "流程管理员"),
    ("auditor", Role.AUDITOR, "district", "审计员"),
    ("reviewer", Role.DISTRICT_REVIEWER, "district", "区局审核员"),
    ("office", Role.OFFICE_STAFF, "office-fangsong", "方松所工作人员"),
    ("operator", Role.OPERATOR, DEMO_OPERATOR_UNIT[0], "驿站运营人员"),
    ("enterprise", Role.ENTERPRISE, DEMO_ENTERPRISE_UNIT[0], "企业联系人"),
]
# The Django admin site's account (staff and superuser, no membership, so no work permission).
SITE_ADMIN = ("siteadmin", "Django 管理后台")


def _password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def _usernames() -> list[str]:
    return [username for username, *_ in DEMO_USERS] + [SITE_ADMIN[0]]


def _acceptable(password: str, username: str) -> bool:
    try:
        validate_password(password, user=get_user_model()(username=username))
    except ValidationError:
        return False
    return True


def _new_password(username: str) -> str:
    while True:  # 16 random URL-safe characters pass every validator all but always
        password = secrets.token_urlsafe(12)
        if _acceptable(password, username):
            return password


def _passwords() -> dict[str, str]:
    """The stored passwords; a missing one (a user added since) or one the validators now refuse
    is generated afresh, and the file rewritten."""
    path = _password_file()
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    passwords = {
        name: stored[name] if name in stored and _acceptable(stored[name], name) else _new_password(name)
        for name in _usernames()
    }
    if passwords != stored:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(passwords))
        os.chmod(path, 0o600)
    return passwords


class Command(BaseCommand):
    help = "Create the district's org units and one demo user per role, then print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        passwords = _passwords()
        with transaction.atomic():
            bureau = load_org_units()
            fangsong = OrgUnit.objects.get(code="office-fangsong")
            for (code, name, name_en), kind, parent in (
                (DEMO_OPERATOR_UNIT, OrgUnit.Kind.OPERATOR, fangsong),
                (DEMO_ENTERPRISE_UNIT, OrgUnit.Kind.ENTERPRISE, fangsong),
            ):
                OrgUnit.objects.update_or_create(
                    code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "parent": parent}
                )
            user_model = get_user_model()
            for username, role, unit_code, display in DEMO_USERS:
                user, created = user_model.objects.get_or_create(
                    username=username, defaults={"first_name": display}
                )
                if created or not user.check_password(passwords[username]):
                    user.set_password(passwords[username])
                    user.save()
                # Earlier versions made the process admin a superuser: take that back.
                user_model.objects.filter(pk=user.pk).update(is_staff=False, is_superuser=False)
                Membership.objects.get_or_create(
                    user=user, org_unit=OrgUnit.objects.get(code=unit_code), role=role
                )
            site_admin, created = user_model.objects.get_or_create(
                username=SITE_ADMIN[0], defaults={"first_name": SITE_ADMIN[1]}
            )
            if created or not site_admin.check_password(passwords[SITE_ADMIN[0]]):
                site_admin.set_password(passwords[SITE_ADMIN[0]])
                site_admin.save()
            user_model.objects.filter(pk=site_admin.pk).update(is_staff=True, is_superuser=True)
        self.stdout.write(f"Org units ready under {bureau.name}.")
        self.stdout.write("Demo logins (username / password / role):")
        for username, role, unit_code, _ in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {passwords[username]:<18} {role.label} @ {unit_code}")
        name = SITE_ADMIN[0]
        self.stdout.write(f"  {name:<11} {passwords[name]:<18} {SITE_ADMIN[1]} only (/admin/), no role")
