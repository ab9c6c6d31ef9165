"""Permission-matrix rows for service cases: list, window intake, case, receipt, withdraw, cancel.

The objects: project "cases-a" run by operator-fs under office A, the shipped service_case
diagram deployed, and one case of an enterprise whose org unit is enterprise-fs (so enterprise_a
is its user), registered at the window by operator_a. Built on first use, kept on the world.
Seeing follows cases.view_case: district-wide roles, office A, operator A and the enterprise's
user; office B, operator B and the stranger get 404. Withdrawing: the case's operator and office,
the enterprise itself and process admins; cancelling: the operator, the office, process admins.
Window intake: the roles that work cases (any project they see; project A's for the POST).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from casemgmt.cases.intake import submit_case
from casemgmt.consent.notice import current_version
from casemgmt.models import Enterprise, OrgUnit, ServiceCase, ServiceProject
from tests.cases.support import deploy_service_case, request_for
from tests.factories import make_project, valid_uscc
from tests.personas import AREA_A, ENTERPRISE_A, OPERATOR_A
from tests.web.page_matrix_rows import Check, get_refused, only, who
from tests.workflows.api_matrix_support import Row, everyone_authenticated, url

PROJECT_CODE = "cases-a"

# Pages anyone may open without signing in (their rows expect 200 for "anonymous").
PUBLIC_PAGES: frozenset[str] = frozenset()


def project(world: Any) -> ServiceProject:
    found = ServiceProject.objects.filter(code=PROJECT_CODE).first()
    if found is None:
        deploy_service_case()
        found = make_project(
            code=PROJECT_CODE,
            case_prefix="CSA",
            coordinating_office=OrgUnit.objects.get(code=AREA_A),
            operator=OrgUnit.objects.get(code=OPERATOR_A),
        )
    return found


def case(world: Any) -> ServiceCase:
    found = getattr(world, "_cases_case", None)
    if found is None:
        found = submit_case(request_for(project(world), 901), actor=User.objects.get(username="operator_a"))
        Enterprise.objects.filter(pk=found.enterprise_id).update(
            org_unit=OrgUnit.objects.get(code=ENTERPRISE_A)
        )
        world._cases_case = found
    return found


CASE = lambda w: {"pk": case(w).pk}  # noqa: E731


def intake_body(n: int = 902, **changes: Any) -> dict[str, Any]:
    return {
        "project_code": PROJECT_CODE,
        "credit_code": valid_uscc(n),
        "enterprise_name": "矩阵测试企业",
        "contact_name": "王五",
        "contact_phone": "13800138000",
        "need": "需要计量器具检定",
        "catalogue_items": ["metrology.1"],
        "consent": {"notice_version": current_version()},
        **changes,
    }


def window_body(**changes: Any) -> dict[str, Any]:
    """intake_body as the window form posts it: the operator's consent box and the notice shown."""
    return {**intake_body(**changes), "consent": "1", "notice_version": current_version()}


def _with_project(world: Any) -> None:
    project(world)


SEES_CASE = who(404, admin=200, auditor=200, reviewer=200, office_a=200, operator_a=200, enterprise_a=200)
SUBMITTERS = ("admin", "reviewer", "office_a", "office_b", "operator_a", "operator_b")
# Withdraw: the case's operator and office, the enterprise, admins; the district and the auditor
# see the case but may not end it (403); the rest do not see it (404).
WITHDRAWN = who(404, admin=302, operator_a=302, office_a=302, enterprise_a=302, reviewer=403, auditor=403)
CANCELLED = who(404, admin=302, operator_a=302, office_a=302, enterprise_a=403, reviewer=403, auditor=403)

PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "cases-list": (Check("get", "get", who(200)),),
    "cases-intake": (
        Check("get", "get", only(200, *SUBMITTERS), setup=_with_project),
        Check(
            "post",
            "post",
            only(302, "admin", "reviewer", "office_a", "operator_a"),
            body=window_body(),
            setup=_with_project,
        ),
        Check(
            "post-invalid",
            "post",
            {**only(400, *SUBMITTERS), "office_b": 403, "operator_b": 403},
            body=window_body(contact_phone="12"),
            setup=_with_project,
        ),
    ),
    "cases-detail": (Check("get", "get", SEES_CASE, CASE),),
    "cases-receipt": (Check("get", "get", SEES_CASE, CASE),),
    "cases-withdraw": (
        get_refused(CASE),
        Check("post", "post", WITHDRAWN, CASE, body={"reason": "企业不再需要"}),
    ),
    "cases-cancel": (
        get_refused(CASE),
        Check("post", "post", CANCELLED, CASE, body={"reason": "重复登记"}),
    ),
}


def _api(statuses: dict[str, int | str]) -> dict[str, int]:
    """The page statuses as the API answers them: 200 for a redirect after a post, no sign-in page."""
    return {p: (200 if s == 302 else int(s)) for p, s in statuses.items() if p != "anonymous"}


API_SEES_CASE = _api(SEES_CASE)
API_CREATE = {
    **everyone_authenticated(403),
    **dict.fromkeys(("admin", "reviewer", "office_a", "operator_a"), 201),
}

API_ROWS: dict[str, Row] = {
    "cases-api-list": Row("get", url("cases-api-list"), None, everyone_authenticated(200), 403),
    "cases-api-detail": Row(
        "get", url("cases-api-detail", pk=lambda w: case(w).pk), None, API_SEES_CASE, 403
    ),
    "cases-api-create": Row(
        "post", url("cases-api-create"), lambda w: (project(w), intake_body(903))[1], API_CREATE, 403
    ),
    "cases-api-withdraw": Row(
        "post",
        url("cases-api-withdraw", pk=lambda w: case(w).pk),
        lambda w: {"reason": "x"},
        _api(WITHDRAWN),
        403,
    ),
    "cases-api-cancel": Row(
        "post",
        url("cases-api-cancel", pk=lambda w: case(w).pk),
        lambda w: {"reason": "x"},
        _api(CANCELLED),
        403,
    ),
}
