"""Production settings: `manage.py check --deploy` is clean with DEBUG off, NQI_HTTPS=1 and a real
secret key; NQI_HTTPS is what turns on the HTTPS protections; static files are served with DEBUG
off; scripts/run refuses arguments it does not know."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
# Variables that would change what is checked; each test states the ones it means.
_OURS = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "NQI_HTTPS",
    "NQI_HSTS_PRELOAD",
    "NQI_BEHIND_PROXY",
    "NQI_SECURE_COOKIES",
    # Set by tests/browser_support.py for Playwright; never in a deployment (async.E001).
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _OURS}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="nqi.example.gov.cn",
        NQI_HTTPS="1",
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output, output


def test_without_https_check_deploy_names_what_is_missing() -> None:
    # The switch is what matters: without it the HTTPS protections are off and the check says so.
    result = manage(production_env(NQI_HTTPS="0"), "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output, (warning, output)


def settings_values(env: dict[str, str], *names: str) -> dict[str, object]:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
)


def test_nqi_https_turns_on_redirect_hsts_and_secure_cookies() -> None:
    assert settings_values(production_env(NQI_BEHIND_PROXY="1"), *HTTPS_SETTINGS) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_plain_http_by_default_so_scripts_run_can_sign_in() -> None:
    # scripts/run serves http://127.0.0.1 with DEBUG off: secure-only cookies would never come back.
    values = settings_values(production_env(NQI_HTTPS="0"), *HTTPS_SETTINGS, "DEBUG")
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "DEBUG": False,
    }


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/app.js", "/static/vendor/htmx.min.js"])
def test_static_files_are_served_with_debug_off(path: str) -> None:
    # pytest-django runs with DEBUG off, as scripts/run now does: WhiteNoise serves them.
    response = Client().get(path)
    assert response.status_code == 200, path
    assert response.get("Content-Security-Policy")


@pytest.mark.parametrize(("argument", "status"), [("--help", 0), ("--no-such-flag", 2)])
def test_scripts_run_checks_its_arguments_before_doing_anything(argument: str, status: int) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run"), argument],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == status, result.stderr
    assert "--dev" in result.stdout + result.stderr
