"""Settings fail loudly: a bad environment stops start-up and names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent


def test_env_helpers_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NQI_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="NQI_X"):
        env_bool("NQI_X", False)
    monkeypatch.setenv("NQI_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="NQI_X"):
        env_int("NQI_X", 1)
    monkeypatch.setenv("NQI_X", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("NQI_X", 1, minimum=1)
    monkeypatch.delenv("NQI_X")
    with pytest.raises(ImproperlyConfigured, match="NQI_X"):
        env_str("NQI_X")
    monkeypatch.setenv("NQI_X", "a, b,,c")
    assert env_list("NQI_X", []) == ["a", "b", "c"]
    monkeypatch.setenv("NQI_X", "Yes")
    assert env_bool("NQI_X", False) is True


def import_settings(**overrides: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///x.db"}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "perhaps"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"NQI_TIMER_BATCH": "0"}, "NQI_TIMER_BATCH"),
        ({"NQI_SESSION_SECONDS": "soon"}, "NQI_SESSION_SECONDS"),
        ({"DATABASE_PREPARED_STATEMENTS": "maybe"}, "DATABASE_PREPARED_STATEMENTS"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"NQI_NOTIFY_BATCH": "0"}, "NQI_NOTIFY_BATCH"),
        ({"EMAIL_USE_TLS": "sometimes"}, "EMAIL_USE_TLS"),
    ],
)
def test_bad_environment_stops_start_up(overrides: dict[str, str | None], named: str) -> None:
    result = import_settings(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_good_environment_imports() -> None:
    assert import_settings().returncode == 0
