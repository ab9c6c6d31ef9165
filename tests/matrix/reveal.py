"""Permission-matrix rows for revealing a masked personal value (POST /personal/reveal/).

The records: the cases matrix's case (tests/matrix/cases.py: project A, the enterprise of
enterprise_a) and that enterprise (a world holds one enterprise of enterprise_a's unit).
Revealing follows seeing, as the page does: whoever may not see the record gets 404; the
enterprise's own user sees it but reveals nothing (403: its own pages show its contact in full);
staff who see it get the value (200).
"""

from __future__ import annotations

from typing import Any

from tests.matrix.cases import case
from tests.web.page_matrix_rows import Check, get_refused, who
from tests.workflows.api_matrix_support import Row

STAFF_WHO_SEE = {"admin": 200, "auditor": 200, "reviewer": 200, "office_a": 200, "operator_a": 200}
REVEALS = who(404, **STAFF_WHO_SEE, enterprise_a=403)


def _build(world: Any) -> None:
    """The records, before the matrix notes what a refused request must not change."""
    case(world)


def _case_body(world: Any) -> dict[str, Any]:
    return {"subject": "case", "id": case(world).pk, "field": "contact_phone", "reason": "核对联系方式"}


def _enterprise_body(world: Any) -> dict[str, Any]:
    return {"subject": "enterprise", "id": case(world).enterprise_id, "field": "phone", "reason": "回访"}


PUBLIC_PAGES: frozenset[str] = frozenset()
PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "personal-reveal": (
        get_refused(),
        Check("post-case", "post", REVEALS, body=_case_body, setup=_build),
        Check("post-enterprise", "post", REVEALS, body=_enterprise_body, setup=_build),
    ),
}
API_ROWS: dict[str, Row] = {}
