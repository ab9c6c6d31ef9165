"""Permission-matrix rows for the enterprise archive (一企一档), outcomes and the 服务情况统计表 exports.

The objects: project "archive-a" run by operator-fs and coordinated by office A, an enterprise
whose org unit is enterprise-fs (so enterprise_a is its user), one case of it in the project and
one certificate outcome of that case. Built on first use and kept on the matrix's world object.
Seeing follows casemgmt/archive/timeline.py; recording and correcting is for the project's operator, its
coordinating office and process admins (casemgmt/archive/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from casemgmt.models import Enterprise, OrgUnit, Outcome, ServiceCase, ServiceProject
from tests.factories import make_case, make_enterprise, make_outcome, make_project
from tests.personas import AREA_A, ENTERPRISE_A, OPERATOR_A
from tests.web.page_matrix_rows import Check, who
from tests.workflows.api_matrix_support import Row, everyone_authenticated, url

PROJECT_CODE = "archive-a"
# A date safely in the past whenever the suite runs.
PAST = (timezone.localdate() - timedelta(days=30)).isoformat()


@dataclass
class Objects:
    project: ServiceProject
    enterprise: Enterprise
    case: ServiceCase
    outcome: Outcome


def objects(world: Any) -> Objects:
    found = getattr(world, "_archive_objects", None)
    if found is None:
        project = make_project(
            code=PROJECT_CODE,
            case_prefix="ARCA",
            coordinating_office=OrgUnit.objects.get(code=AREA_A),
            operator=OrgUnit.objects.get(code=OPERATOR_A),
        )
        enterprise = make_enterprise(org_unit=OrgUnit.objects.get(code=ENTERPRISE_A))
        case = make_case(project=project, enterprise=enterprise)
        outcome = make_outcome(case=case, number="R-1")
        found = Objects(project, enterprise, case, outcome)
        world._archive_objects = found
    return found


ENTERPRISE = lambda w: {"pk": objects(w).enterprise.pk}  # noqa: E731
PROJECT = lambda w: {"pk": objects(w).project.pk}  # noqa: E731
CASE = lambda w: {"pk": objects(w).case.pk}  # noqa: E731
OUTCOME = lambda w: {"pk": objects(w).outcome.pk}  # noqa: E731

# Who sees the enterprise: district-wide roles, area A's office and operator, the enterprise's user.
SEES_ENTERPRISE = who(
    404, admin=200, auditor=200, reviewer=200, office_a=200, operator_a=200, enterprise_a=200
)
# Who sees the project (enterprise users see their enterprise, not the project).
SEES_PROJECT = who(404, admin=200, auditor=200, reviewer=200, office_a=200, operator_a=200)


def writers(allowed: int, *, enterprise_sees: bool) -> dict[str, int | str]:
    """Recording or correcting: the project's people act, other viewers are refused, the rest 404."""
    statuses = {"admin": allowed, "office_a": allowed, "operator_a": allowed, "auditor": 403, "reviewer": 403}
    if enterprise_sees:
        statuses["enterprise_a"] = 403
    return who(404, **statuses)


CERTIFICATE = {
    "kind": "certificate",
    "subtype": "calibration",
    "title": "校准证书",
    "obtained_on": PAST,
    "number": "JZ-2026-001",
    "issuer": "上海市计量测试技术研究院",
}

# A full-value sheet: the reason it needs (the period defaults to this year so far).
FULL = {"reason": "年度统计报送"}

PUBLIC_PAGES: frozenset[str] = frozenset()
PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    # Everyone signed in has an archive home (empty without a scope).
    "archive-home": (Check("get", "get", who(200)),),
    "archive-enterprise": (Check("get", "get", SEES_ENTERPRISE, ENTERPRISE),),
    # The sheets and their downloads: GET masked; POST with a reason in full (whoever may see them).
    "archive-sheet-enterprise": (
        Check("get", "get", SEES_ENTERPRISE, ENTERPRISE),
        Check("post-full", "post", SEES_ENTERPRISE, ENTERPRISE, FULL),
    ),
    "archive-sheet-enterprise-xlsx": (
        Check("get", "get", SEES_ENTERPRISE, ENTERPRISE),
        Check("post-full", "post", SEES_ENTERPRISE, ENTERPRISE, FULL),
    ),
    "archive-project-outcomes": (Check("get", "get", SEES_PROJECT, PROJECT),),
    "archive-sheet-project": (
        Check("get", "get", SEES_PROJECT, PROJECT),
        Check("post-full", "post", SEES_PROJECT, PROJECT, FULL),
    ),
    "archive-sheet-project-xlsx": (
        Check("get", "get", SEES_PROJECT, PROJECT),
        Check("post-full", "post", SEES_PROJECT, PROJECT, FULL),
    ),
    "archive-outcome-new-case": (
        Check("get", "get", writers(200, enterprise_sees=True), CASE),
        Check("post", "post", writers(302, enterprise_sees=True), CASE, CERTIFICATE),
    ),
    "archive-outcome-new-enterprise": (
        Check("get", "get", writers(200, enterprise_sees=True), ENTERPRISE),
        Check(
            "post",
            "post",
            writers(302, enterprise_sees=True),
            ENTERPRISE,
            {**CERTIFICATE, "project": PROJECT_CODE},
        ),
    ),
    "archive-outcome-new-project": (
        Check("get", "get", writers(200, enterprise_sees=False), PROJECT),
        Check(
            "post",
            "post",
            writers(302, enterprise_sees=False),
            PROJECT,
            {
                "kind": "quality_honour",
                "subtype": "typical_case",
                "title": "质量典型案例",
                "obtained_on": PAST,
            },
        ),
    ),
    "archive-outcome-correct": (
        Check("get", "get", writers(200, enterprise_sees=True), OUTCOME),
        Check(
            "post", "post", writers(302, enterprise_sees=True), OUTCOME, {**CERTIFICATE, "reason": "编号录错"}
        ),
    ),
}

API_SEES_ENTERPRISE = {
    "admin": 200,
    "auditor": 200,
    "reviewer": 200,
    "office_a": 200,
    "operator_a": 200,
    "enterprise_a": 200,
    "office_b": 404,
    "operator_b": 404,
    "stranger": 404,
}
API_SEES_PROJECT = {**API_SEES_ENTERPRISE, "enterprise_a": 404}
API_CORRECTORS = {**API_SEES_ENTERPRISE, "auditor": 403, "reviewer": 403, "enterprise_a": 403}

API_ROWS: dict[str, Row] = {
    # A list scoped to the caller (empty for the stranger): every signed-in user gets 200.
    "archive-api-outcome-list": Row(
        "get", url("archive-api-outcome-list"), None, everyone_authenticated(200), 403
    ),
    "archive-api-outcome-detail": Row(
        "get",
        url("archive-api-outcome-detail", pk=lambda w: objects(w).outcome.pk),
        None,
        API_SEES_ENTERPRISE,
        403,
    ),
    "archive-api-outcome-correct": Row(
        "post",
        url("archive-api-outcome-correct", pk=lambda w: objects(w).outcome.pk),
        lambda w: {"changes": {"title": "更正后的标题"}, "reason": "名称录错"},
        API_CORRECTORS,
        403,
    ),
    "archive-api-enterprise": Row(
        "get",
        url("archive-api-enterprise", pk=lambda w: objects(w).enterprise.pk),
        None,
        API_SEES_ENTERPRISE,
        403,
    ),
    "archive-api-sheet-enterprise": Row(
        "get",
        url("archive-api-sheet-enterprise", pk=lambda w: objects(w).enterprise.pk),
        None,
        API_SEES_ENTERPRISE,
        403,
    ),
    "archive-api-sheet-project": Row(
        "get",
        url("archive-api-sheet-project", pk=lambda w: objects(w).project.pk),
        None,
        API_SEES_PROJECT,
        403,
    ),
}
