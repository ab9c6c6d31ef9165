"""Permission-matrix rows for the registry: projects, stations, staff, enterprises, institutions.

Who: projects and stations are visible to everyone with a role (the stranger has none: 403);
project A's stations and staff are edited by operator A, office A and process admins (403 for
the rest, who can see them); enterprises are staff-only and scoped (office B and operator B get 404
for enterprise A; the auditor reads but may not edit); the changes intakes proposed for enterprise A
are read like the enterprise and decided by those who may edit it; the public directory and
lookups are open.
"""

from __future__ import annotations

from typing import Any

from tests.registry import world as reg
from tests.web.page_matrix_rows import PERSONAS as PAGE_PERSONAS
from tests.web.page_matrix_rows import Check, Expected, get_refused, only, who
from tests.workflows.api_matrix_support import Row, everyone_authenticated, url

# Pages anyone may open without signing in (their rows expect 200 for "anonymous").
PUBLIC_PAGES: frozenset[str] = frozenset({"registry-public-directory", "registry-public-institutions"})

WITH_ROLE = who(200, stranger=403)
EDITORS = only(200, "admin", "office_a", "operator_a")
EDITED = only(302, "admin", "office_a", "operator_a")
REFUSED_INPUT = only(400, "admin", "office_a", "operator_a")
STAFF = who(200, enterprise_a=403, stranger=403)
ENTERPRISE_A_EDIT = who(404, admin=200, reviewer=200, office_a=200, operator_a=200, auditor=403)
ENTERPRISE_A_EDIT |= {"enterprise_a": 403, "stranger": 403}
# The enterprise's page: whoever sees the enterprise (the auditor too). Deciding a proposed change:
# whoever may edit it; the auditor sees the page but is refused (403).
ENTERPRISE_A_VIEW = {**ENTERPRISE_A_EDIT, "auditor": 200}
ENTERPRISE_A_DECIDED = {p: (302 if s == 200 else s) for p, s in ENTERPRISE_A_EDIT.items()}
EVERYONE: Expected = dict.fromkeys(PAGE_PERSONAS, 200)

PROJECT = lambda w: {"code": reg.project_a().code}  # noqa: E731
STATION = lambda w: {"pk": reg.station_a().pk}  # noqa: E731
STAFF_MEMBER = lambda w: {"pk": reg.private_staff().pk}  # noqa: E731
ENTERPRISE = lambda w: {"credit_code": reg.enterprise_a().credit_code}  # noqa: E731
WITH_PROPOSAL = lambda w: {"credit_code": reg.proposal_a().enterprise.credit_code}  # noqa: E731
PROPOSAL = lambda w: {"credit_code": reg.enterprise_a().credit_code, "pk": reg.proposal_a().pk}  # noqa: E731

STATION_BODY = {
    "name": "新服务站",
    "address": "上海市松江区新路8号",
    "opening_hours": "工作日",
    "complaint_phone": "021-57819999",
    "published_items": ["metrology.2"],
    "active": "1",
}
STAFF_BODY = {"name": "新专员", "post": "full_time_specialist", "phone": "13800138000"}

PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "registry-projects": (Check("get", "get", WITH_ROLE),),
    "registry-project": (Check("get", "get", WITH_ROLE, PROJECT),),
    "registry-station-create": (
        Check("get", "get", EDITORS, PROJECT),
        Check("post", "post", EDITED, PROJECT, body=STATION_BODY),
        Check("post-invalid", "post", REFUSED_INPUT, PROJECT, body={**STATION_BODY, "complaint_phone": "12"}),
    ),
    "registry-station-edit": (
        Check("get", "get", EDITORS, STATION),
        Check("post", "post", EDITED, STATION, body=STATION_BODY),
        Check(
            "post-invalid", "post", REFUSED_INPUT, STATION, body={**STATION_BODY, "published_items": ["x.9"]}
        ),
    ),
    "registry-staff-add": (
        Check("get", "get", EDITORS, STATION),
        Check("post", "post", EDITED, STATION, body=STAFF_BODY),
        Check("post-invalid", "post", REFUSED_INPUT, STATION, body={**STAFF_BODY, "post": "boss"}),
    ),
    "registry-staff-edit": (
        Check("get", "get", EDITORS, STAFF_MEMBER),
        Check("post", "post", EDITED, STAFF_MEMBER, body=STAFF_BODY),
    ),
    "registry-staff-remove": (
        get_refused(STAFF_MEMBER),
        Check("post", "post", EDITED, STAFF_MEMBER),
    ),
    "registry-enterprises": (Check("get", "get", STAFF),),
    "registry-enterprise-edit": (
        Check("get", "get", ENTERPRISE_A_EDIT, ENTERPRISE),
        Check(
            "post",
            "post",
            {p: (302 if s == 200 else s) for p, s in ENTERPRISE_A_EDIT.items()},
            ENTERPRISE,
            body={"name": "方松测试企业（更名）", "phone": "021-57810000", "size_class": "micro"},
        ),
    ),
    "registry-enterprise": (Check("get", "get", ENTERPRISE_A_VIEW, WITH_PROPOSAL),),
    "registry-enterprise-proposal-accept": (
        get_refused(PROPOSAL),
        Check("post", "post", ENTERPRISE_A_DECIDED, PROPOSAL, body={"reason": "核实无误"}),
    ),
    "registry-enterprise-proposal-reject": (
        get_refused(PROPOSAL),
        Check("post", "post", ENTERPRISE_A_DECIDED, PROPOSAL, body={"reason": "未经企业确认"}),
        Check(
            "post-without-reason",
            "post",
            {**ENTERPRISE_A_DECIDED, **dict.fromkeys(("admin", "reviewer", "office_a", "operator_a"), 400)},
            PROPOSAL,
            body={"reason": " "},
        ),
    ),
    "registry-institutions": (Check("get", "get", STAFF),),
    "registry-public-directory": (Check("get", "get", EVERYONE),),
    "registry-public-institutions": (Check("get", "get", EVERYONE, body={"kind": "testing"}),),
}


def _api(statuses: Expected) -> dict[str, int]:
    """The page expectations as API statuses (anonymous is a 403 there, via the row default)."""
    return {p: s for p, s in statuses.items() if p != "anonymous" and isinstance(s, int)}


def _project(w: Any) -> str:
    return reg.project_a().code


def _station(w: Any) -> int:
    return reg.station_a().pk


def _enterprise(w: Any) -> str:
    return reg.enterprise_a().credit_code


def _proposal(w: Any) -> int:
    return reg.proposal_a().pk


API_WITH_ROLE = {**everyone_authenticated(200), "stranger": 403}
API_STAFF = {**everyone_authenticated(200), "enterprise_a": 403, "stranger": 403}
API_ENTERPRISE_A = {**_api(ENTERPRISE_A_EDIT), "auditor": 200}
API_DECIDE = _api(ENTERPRISE_A_EDIT)  # the auditor reads the proposals but may not decide: 403

API_ROWS: dict[str, Row] = {
    "registry-api-projects": Row("get", url("registry-api-projects"), None, API_WITH_ROLE, 403),
    "registry-api-project": Row("get", url("registry-api-project", code=_project), None, API_WITH_ROLE, 403),
    "registry-api-stations": Row("get", url("registry-api-stations"), None, API_WITH_ROLE, 403),
    "registry-api-station": Row("get", url("registry-api-station", pk=_station), None, API_WITH_ROLE, 403),
    "registry-api-enterprises": Row("get", url("registry-api-enterprises"), None, API_STAFF, 403),
    "registry-api-enterprise": Row(
        "get", url("registry-api-enterprise", credit_code=_enterprise), None, API_ENTERPRISE_A, 403
    ),
    "registry-api-enterprise-proposals": Row(
        "get", url("registry-api-enterprise-proposals", credit_code=_enterprise), None, API_ENTERPRISE_A, 403
    ),
    "registry-api-enterprise-proposal-accept": Row(
        "post",
        url("registry-api-enterprise-proposal-accept", credit_code=_enterprise, pk=_proposal),
        lambda w: {"reason": "核实无误"},
        API_DECIDE,
        403,
    ),
    "registry-api-enterprise-proposal-reject": Row(
        "post",
        url("registry-api-enterprise-proposal-reject", credit_code=_enterprise, pk=_proposal),
        lambda w: {"reason": "未经企业确认"},
        API_DECIDE,
        403,
    ),
    "registry-api-institutions": Row(
        "get", url("registry-api-institutions"), None, everyone_authenticated(200), 403
    ),
}
