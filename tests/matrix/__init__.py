"""Each area's rows of the two permission matrices, one module per area, merged here.

A module defines PUBLIC_PAGES (pages anyone may open without signing in), PAGE_ROWS
(tests/web/page_matrix_rows.py's Check rows, keyed by URL name) and API_ROWS
(tests/workflows/api_matrix_support.py's Row, keyed by URL name). The matrix tests fail for any
named URL without a row, so a new page or endpoint cannot skip its permission tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (
    account,
    approvals,
    archive,
    cases,
    preview,
    privacy,
    promotion,
    public,
    registry,
    reveal,
    scorecard,
    signers,
)

_AREAS = (
    registry,
    cases,
    public,
    archive,
    scorecard,
    promotion,
    account,
    approvals,
    preview,
    signers,
    reveal,
    privacy,
)


def _merge(attribute: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for area in _AREAS:
        rows: dict[str, Any] = getattr(area, attribute)
        clash = set(rows) & set(merged)
        assert not clash, f"{area.__name__} repeats rows of another area: {sorted(clash)}"
        merged.update(rows)
    return merged


PAGE_ROWS: dict[str, Any] = _merge("PAGE_ROWS")
API_ROWS: dict[str, Any] = _merge("API_ROWS")
PUBLIC_PAGES: frozenset[str] = frozenset().union(*(area.PUBLIC_PAGES for area in _AREAS))
# What an area builds once into the page matrix's shared world (an optional `prepare(world)`).
PREPARERS: tuple[Callable[[Any], None], ...] = tuple(
    area.prepare for area in _AREAS if hasattr(area, "prepare")
)
