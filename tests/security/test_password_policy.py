"""Passwords: Django's four validators (settings.AUTH_PASSWORD_VALIDATORS) on the password-change
page; the demo logins and the test personas' password satisfy them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from casemgmt.management.commands.seed_demo import DEMO_USERS, SITE_ADMIN
from casemgmt.models import Membership
from casemgmt.org.roles import Role
from tests.factories import TEST_PASSWORD
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def cast_list(value: Any) -> list[dict[str, Any]]:
    return list(value)


def test_the_four_validators_are_configured() -> None:
    configured = cast_list(settings.AUTH_PASSWORD_VALIDATORS)
    names = [v["NAME"].rsplit(".", 1)[1] for v in configured]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    minimum = next(v for v in configured if "MinimumLength" in v["NAME"])
    assert minimum["OPTIONS"]["min_length"] == 10


def test_the_personas_password_satisfies_them(cast: Cast) -> None:
    for user in cast.by_name().values():
        validate_password(TEST_PASSWORD, user=user)


@pytest.mark.parametrize(
    "weak",
    [
        "Sh0rt-pw",  # under 10 characters
        "1234567890123",  # numeric only
        "password1234",  # a common password
        "operator_a_2026",  # too like the user name
    ],
)
def test_a_weak_password_is_refused_on_the_password_change_page(weak: str, cast: Cast) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert 'data-testid="password-error"' in response.content.decode()
    assert User.objects.get(pk=cast.operator_a.pk).check_password(TEST_PASSWORD)


def test_a_strong_password_is_accepted_on_the_page(cast: Cast) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.operator_a, backend="django.contrib.auth.backends.ModelBackend")
    new = "Lantern-orchard-5820"
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=cast.operator_a.pk).check_password(new)


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_seed_demo_makes_the_admin_a_process_admin_and_a_separate_site_admin(var_dir: Path) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser and not admin.is_staff
    assert Membership.objects.filter(user=admin, role=Role.PROCESS_ADMIN.value).exists()
    site_admin = User.objects.get(username=SITE_ADMIN[0])
    assert site_admin.is_superuser and site_admin.is_staff
    assert not Membership.objects.filter(user=site_admin).exists()
    passwords = json.loads((var_dir / "demo-logins.json").read_text())
    assert set(passwords) == {name for name, *_ in DEMO_USERS} | {SITE_ADMIN[0]}
    for name, password in passwords.items():
        validate_password(password, user=User.objects.get(username=name))
        assert User.objects.get(username=name).check_password(password)
    assert "siteadmin" in out.getvalue() and "Django 管理后台" in out.getvalue()


def test_seed_demo_takes_superuser_back_from_an_old_admin_and_keeps_stored_passwords(var_dir: Path) -> None:
    stored = {name: f"Kept-{name}-pass-2026" for name, *_ in DEMO_USERS}  # an older file: no siteadmin
    (var_dir / "demo-logins.json").write_text(json.dumps(stored))
    call_command("seed_demo", stdout=StringIO())
    User.objects.filter(username="admin").update(is_superuser=True, is_staff=True)  # as seeded before
    call_command("seed_demo", stdout=StringIO())
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser and admin.check_password(stored["admin"])
    passwords = json.loads((var_dir / "demo-logins.json").read_text())
    assert {k: passwords[k] for k in stored} == stored and SITE_ADMIN[0] in passwords


def test_seed_demo_replaces_a_stored_password_the_validators_refuse(var_dir: Path) -> None:
    (var_dir / "demo-logins.json").write_text(json.dumps({"admin": "12345"}))
    call_command("seed_demo", stdout=StringIO())
    passwords = json.loads((var_dir / "demo-logins.json").read_text())
    assert passwords["admin"] != "12345"
    validate_password(passwords["admin"], user=User.objects.get(username="admin"))
