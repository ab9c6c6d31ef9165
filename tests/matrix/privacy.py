"""Permission-matrix rows for the privacy notice and the enterprise's rights pages (issue 19).

The notice is public: every persona, anonymous included, reads it. The personal-data page and its
correction request are the enterprise users' own: anyone else signed in is refused (403), the
anonymous visitor sent to sign in. A correction request names the enterprise by its credit code;
one that is not the user's own is 404, as if it did not exist (enterprise_a's own enterprise is
made by the setup; tests/rights/ walk the request itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casemgmt.models import Enterprise, OrgUnit
from tests.factories import valid_uscc
from tests.personas import ENTERPRISE_A, PERSONA_NAMES
from tests.web.page_matrix_rows import Check, World, get_refused, who
from tests.workflows.api_matrix_support import Row
from workflows.deploy import bundle_for, deploy

SHIPPED = Path(__file__).resolve().parents[2] / "bpmn" / "personal_data_correction.bpmn"
OWN_CODE = valid_uscc(951)


def own_enterprise(world: World) -> None:
    """enterprise_a's enterprise (no case, no division: the district reviews) and the process."""
    deploy(bundle_for(SHIPPED), actor=None, model_key="personal_data_correction")
    Enterprise.objects.create(
        credit_code=OWN_CODE,
        name="矩阵企业",
        phone="13800000001",
        org_unit=OrgUnit.objects.get(code=ENTERPRISE_A),
    )


def correction(code: str) -> dict[str, Any]:
    return {"enterprise": code, "field": "phone", "value": "13800000002", "note": "号码变更"}


PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "privacy-notice": (Check("get", "get", dict.fromkeys(PERSONA_NAMES, 200)),),
    "rights-personal-data": (Check("get", "get", who(403, enterprise_a=200)),),
    "rights-correction-request": (
        Check(
            "post-own", "post", who(403, enterprise_a=302), body=correction(OWN_CODE), setup=own_enterprise
        ),
        Check("post-not-own", "post", who(403, enterprise_a=404), body=correction(valid_uscc(952))),
        get_refused(),
    ),
}
PUBLIC_PAGES: frozenset[str] = frozenset({"privacy-notice"})
API_ROWS: dict[str, Row] = {}
