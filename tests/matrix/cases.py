"""Permission-matrix rows for service cases: window intake, matching, follow-up, feedback, exits."""

from __future__ import annotations

from tests.web.page_matrix_rows import Check
from tests.workflows.api_matrix_support import Row

# Pages anyone may open without signing in (their rows expect 200 for "anonymous").
PUBLIC_PAGES: frozenset[str] = frozenset()
PAGE_ROWS: dict[str, tuple[Check, ...]] = {}
API_ROWS: dict[str, Row] = {}
