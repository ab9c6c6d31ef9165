"""Permission-matrix rows for the efficiency scorecard: evaluations, evidence, reports, what-if,
typical cases.

The objects: project "scorecard-a" run by operator-fs (office A's area), a self-assessment of it
ready to submit (judgments with reasons), a link as evidence on item 1(1), one service case
SCA-2026-00001 and one submitted typical case. Built on first use and kept on the world object.
Seeing follows casemgmt/scorecard/rules.py: district-wide roles, office A and operator A; the
self-assessment is changed by operator A alone; typical cases are submitted by office A and
reviewed by the district reviewer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from casemgmt.models import OrgUnit, ServiceCase, ServiceProject
from casemgmt.scorecard.models import Evaluation, Evidence, SubItemScore, TypicalCase
from casemgmt.scorecard.seed import load_template
from casemgmt.scorecard.services import create_evaluation, set_score
from tests.factories import make_case, make_project
from tests.personas import AREA_A, OPERATOR_A
from tests.web.page_matrix_rows import Check, get_refused, only, who
from tests.workflows.api_matrix_support import Row, everyone_authenticated, url

PROJECT_CODE = "scorecard-a"
CASE_NO = "SCA-2026-00001"


@dataclass
class Objects:
    project: ServiceProject
    case: ServiceCase
    evaluation: Evaluation
    evidence: Evidence
    computed_item: SubItemScore
    typical_case: TypicalCase


def objects(world: Any) -> Objects:
    found = getattr(world, "_scorecard_objects", None)
    if found is None:
        load_template()
        project = make_project(
            code=PROJECT_CODE,
            case_prefix="SCA",
            coordinating_office=OrgUnit.objects.get(code=AREA_A),
            operator=OrgUnit.objects.get(code=OPERATOR_A),
        )
        case = make_case(project=project, case_no=CASE_NO)
        start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
        evaluation = create_evaluation(project, start, end, stage="self", actor=None)
        set_score(evaluation, 7, points="6", reason="符合区域规划", actor=None)
        set_score(evaluation, 15, points="3", reason="效益良好", actor=None)
        set_score(evaluation, 1, 1, satisfied=True, evidence="https://example.org/rules.pdf", actor=None)
        evidence = Evidence.objects.get(score__evaluation=evaluation)
        item = SubItemScore.objects.get(score__evaluation=evaluation, score__indicator__number=13)
        typical = TypicalCase.objects.create(
            office=project.coordinating_office,
            project=project,
            quarter="2026Q2",
            kind="a",
            title="质量提升案例",
            description="…",
        )
        typical.cases.set([case])
        evaluation.refresh_from_db()
        found = Objects(project, case, evaluation, evidence, item, typical)
        world._scorecard_objects = found
    return found


def ensure(world: Any) -> None:
    objects(world)


EVALUATION = lambda w: {"pk": objects(w).evaluation.pk}  # noqa: E731
RECORDS = lambda w: {"pk": objects(w).evaluation.pk, "item_pk": objects(w).computed_item.pk}  # noqa: E731
EVIDENCE = lambda w: {"pk": objects(w).evidence.pk}  # noqa: E731
TYPICAL = lambda w: {"pk": objects(w).typical_case.pk}  # noqa: E731

STAFF = ("admin", "auditor", "reviewer", "office_a", "office_b", "operator_a", "operator_b")
# Who sees project A's scorecards: district-wide roles, office A and operator A; the rest 404.
SEES = who(404, admin=200, auditor=200, reviewer=200, office_a=200, operator_a=200)
# Changing the self-assessment: operator A; the others who see it are refused.
OPERATOR_WRITES = who(404, admin=403, auditor=403, reviewer=403, office_a=403, operator_a=302)
PERIOD = {"period_start": "2026-01-01", "period_end": "2026-12-31"}

PUBLIC_PAGES: frozenset[str] = frozenset()
PAGE_ROWS: dict[str, tuple[Check, ...]] = {
    "scorecard-list": (Check("get", "get", only(200, *STAFF)),),
    "scorecard-detail": (Check("get", "get", SEES, EVALUATION),),
    "scorecard-score": (
        Check(
            "post", "post", OPERATOR_WRITES, EVALUATION, {"indicator": "7", "points": "5", "reason": "理由"}
        ),
        get_refused(EVALUATION),
    ),
    "scorecard-recompute": (Check("post", "post", OPERATOR_WRITES, EVALUATION), get_refused(EVALUATION)),
    "scorecard-submit": (Check("post", "post", OPERATOR_WRITES, EVALUATION), get_refused(EVALUATION)),
    "scorecard-records": (Check("get", "get", SEES, RECORDS),),
    "scorecard-whatif": (Check("get", "get", SEES, EVALUATION),),
    "scorecard-project-whatif": (Check("get", "get", SEES, lambda w: {"pk": objects(w).project.pk}),),
    "scorecard-pdf": (Check("get", "get", SEES, EVALUATION),),
    "scorecard-xlsx": (Check("get", "get", SEES, EVALUATION),),
    # A link as evidence: those who see the scorecard are sent on to it.
    "scorecard-evidence": (
        Check(
            "get",
            "get",
            who(404, admin=302, auditor=302, reviewer=302, office_a=302, operator_a=302),
            EVIDENCE,
        ),
    ),
    "scorecard-evidence-remove": (Check("post", "post", OPERATOR_WRITES, EVIDENCE), get_refused(EVIDENCE)),
    "scorecard-typical-cases": (Check("get", "get", only(200, *STAFF), setup=ensure),),
    "scorecard-typical-case-create": (
        Check("get", "get", only(200, "office_a"), setup=ensure),
        Check(
            "post",
            "post",
            only(302, "office_a"),
            body={
                "project": PROJECT_CODE,
                "quarter": "2026Q3",
                "kind": "b",
                "title": "降本增效",
                "description": "…",
                "cases": CASE_NO,
            },
            setup=ensure,
        ),
    ),
    # Reviewing: the district reviewer; others who see the case are refused, the rest 404.
    "scorecard-typical-case-review": (
        Check(
            "post",
            "post",
            who(404, admin=403, auditor=403, reviewer=302, office_a=403, operator_a=403),
            TYPICAL,
            {"decision": "selected"},
        ),
        get_refused(TYPICAL),
    ),
}

API_SEES = {
    "admin": 200,
    "auditor": 200,
    "reviewer": 200,
    "office_a": 200,
    "operator_a": 200,
    "office_b": 404,
    "operator_b": 404,
    "enterprise_a": 404,
    "stranger": 404,
}
API_OPERATOR_WRITES = {**API_SEES, "admin": 403, "auditor": 403, "reviewer": 403, "office_a": 403}
API_PK = lambda w: objects(w).evaluation.pk  # noqa: E731

API_ROWS: dict[str, Row] = {
    # The list is scoped (empty for office B); roles without scorecards are refused.
    "scorecard-api-evaluations": Row(
        "get",
        url("scorecard-api-evaluations"),
        None,
        {**everyone_authenticated(200), "enterprise_a": 403, "stranger": 403},
        403,
    ),
    "scorecard-api-evaluation": Row("get", url("scorecard-api-evaluation", pk=API_PK), None, API_SEES, 403),
    "scorecard-api-score": Row(
        "post",
        url("scorecard-api-score", pk=API_PK),
        lambda w: {"indicator": 7, "points": "5", "reason": "理由"},
        API_OPERATOR_WRITES,
        403,
    ),
    "scorecard-api-submit": Row(
        "post", url("scorecard-api-submit", pk=API_PK), lambda w: {}, API_OPERATOR_WRITES, 403
    ),
    "scorecard-api-project-whatif": Row(
        "get", url("scorecard-api-project-whatif", pk=lambda w: objects(w).project.pk), None, API_SEES, 403
    ),
    "scorecard-api-whatif": Row("get", url("scorecard-api-whatif", pk=API_PK), None, API_SEES, 403),
    "scorecard-api-typical-cases": Row(
        "get",
        url("scorecard-api-typical-cases"),
        None,
        {**everyone_authenticated(200), "enterprise_a": 403, "stranger": 403},
        403,
    ),
    "scorecard-api-typical-case": Row(
        "get", url("scorecard-api-typical-case", pk=lambda w: objects(w).typical_case.pk), None, API_SEES, 403
    ),
    # Reviewing: the district reviewer alone; the others who see the case are refused.
    "scorecard-api-typical-case-review": Row(
        "post",
        url("scorecard-api-typical-case-review", pk=lambda w: objects(w).typical_case.pk),
        lambda w: {"decision": "selected"},
        {**API_SEES, "admin": 403, "auditor": 403, "office_a": 403, "operator_a": 403},
        403,
    ),
}
