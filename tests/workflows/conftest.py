"""Fixtures of the engine's statement tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def without_prepared_statements(settings: Any) -> None:
    """DATABASE_PREPARED_STATEMENTS=0, as behind a transaction-pooling proxy."""
    settings.NQI_PREPARED_STATEMENTS = False
