"""The public pages' limits come from the environment and a bad value stops start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


PRINT_LIMITS = (
    "import config.settings as s; print(s.NQI_PUBLIC_INTAKE_PER_HOUR, s.NQI_PUBLIC_LOOKUP_PER_HOUR)"
)


def limits_with(**overrides: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter, the NQI_PUBLIC_* variables set only as given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("NQI_PUBLIC_")}
    return subprocess.run(
        [sys.executable, "-c", PRINT_LIMITS],
        cwd=ROOT,
        env={**env, **overrides},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_and_overrides() -> None:
    result = limits_with()
    assert result.stdout.split() == ["10", "30"], result.stderr
    result = limits_with(NQI_PUBLIC_INTAKE_PER_HOUR="3", NQI_PUBLIC_LOOKUP_PER_HOUR="7")
    assert result.stdout.split() == ["3", "7"], result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NQI_PUBLIC_INTAKE_PER_HOUR", "ten"),
        ("NQI_PUBLIC_INTAKE_PER_HOUR", "0"),
        ("NQI_PUBLIC_LOOKUP_PER_HOUR", "-5"),
        ("NQI_PUBLIC_LOOKUP_PER_HOUR", "1.5"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(variable: str, value: str) -> None:
    result = limits_with(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and variable in result.stderr
