"""NQI_MATCHING_REMINDER_WORKING_DAYS fails loudly on a bad value and names itself."""

from __future__ import annotations

import pytest

from tests.test_settings import import_settings

VARIABLE = "NQI_MATCHING_REMINDER_WORKING_DAYS"


@pytest.mark.parametrize("value", ["three", "0", "-1", "23"])
def test_a_bad_reminder_setting_stops_start_up(value: str) -> None:
    result = import_settings(**{VARIABLE: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and VARIABLE in result.stderr


@pytest.mark.parametrize("value", ["1", "5", "22"])
def test_good_reminder_settings_start(value: str) -> None:
    assert import_settings(**{VARIABLE: value}).returncode == 0
