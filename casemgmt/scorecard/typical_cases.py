"""Typical cases (典型案例): offices report them every quarter; the district selects the best.

Selected cases (and those reported on to the city) count for indicator 14 of the project's
scorecard in the period holding the case's quarter.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from audit.actions import Action
from casemgmt.models import OrgUnit, ServiceCase, ServiceProject
from casemgmt.org.directory import visible_org_units
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.service import Actor, acting_user, audit, require, write_transaction

from .models import TypicalCase, TypicalCaseKind, TypicalCaseStatus, quarter_start

# Which review decision may follow which status.
REVIEW_MOVES: dict[str, tuple[str, ...]] = {
    TypicalCaseStatus.SUBMITTED.value: (TypicalCaseStatus.SELECTED.value, TypicalCaseStatus.REJECTED.value),
    TypicalCaseStatus.SELECTED.value: (TypicalCaseStatus.REPORTED.value, TypicalCaseStatus.REJECTED.value),
    TypicalCaseStatus.REJECTED.value: (TypicalCaseStatus.SELECTED.value,),
    TypicalCaseStatus.REPORTED.value: (),
}


def _invalid(field: str, code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput.on_field(field, code, zh, en)


def _summary(case: TypicalCase) -> dict[str, Any]:
    return {
        "project": case.project_id,
        "office": case.office.code,
        "quarter": case.quarter,
        "kind": case.kind,
        "title": case.title,
        "status": case.status,
        "cases": sorted(case.cases.values_list("pk", flat=True)),
    }


def submit_typical_case(
    *,
    project: ServiceProject,
    quarter: str,
    kind: str,
    title: str,
    description: str,
    case_ids: Iterable[int],
    actor: Actor,
) -> TypicalCase:
    """Office staff report a case for a project in their area, linked to its service cases."""
    errors: list[FieldError] = []
    try:
        quarter_start(quarter)
    except ValueError:
        errors.append(
            FieldError("quarter", "format", "季度格式应为 2026Q3。", "The quarter reads like 2026Q3.")
        )
    if kind not in TypicalCaseKind.values:
        errors.append(FieldError("kind", "choice", "请选择案例类型。", "Choose the kind of case."))
    title = (title or "").strip()
    description = (description or "").strip()
    if not title or len(title) > 200:
        errors.append(
            FieldError(
                "title", "required", "请填写标题（200字以内）。", "Give a title (at most 200 characters)."
            )
        )
    if not description:
        errors.append(FieldError("description", "required", "请填写案例内容。", "Describe the case."))
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        errors.append(
            FieldError("cases", "required", "请关联至少一个服务办件。", "Link at least one service case.")
        )
    if errors:
        raise InvalidInput("The typical case is incomplete.", "典型案例信息不完整。", fields=errors)
    with write_transaction():
        require(actor, "scorecard.submit_typical_case", project)
        cases = list(ServiceCase.objects.filter(pk__in=ids, project=project))
        if len(cases) != len(ids):
            raise _invalid(
                "cases", "project", "所选办件须属于该项目。", "The linked cases must belong to the project."
            )
        office = _office_of(project)
        case = TypicalCase.objects.create(
            office=office,
            project=project,
            quarter=quarter,
            kind=kind,
            title=title,
            description=description,
            submitted_by=acting_user(actor),
        )
        case.cases.set(cases)
        audit(
            Action.TYPICAL_CASE_SUBMITTED,
            actor,
            target_type="typical_case",
            target_id=case.pk,
            after=_summary(case),
        )
        return case


def case_ids_by_number(project: ServiceProject, numbers: Iterable[str]) -> list[int]:
    """The ids of the project's cases with these numbers; any number the project lacks is refused."""
    wanted = [n.strip() for n in numbers if n and n.strip()]
    found = dict(ServiceCase.objects.filter(project=project, case_no__in=wanted).values_list("case_no", "pk"))
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise InvalidInput(
            "Unknown case numbers.",
            "办件编号不存在。",
            fields=[
                FieldError(
                    "cases",
                    "unknown",
                    f"该项目没有这些办件：{'、'.join(unknown)}",
                    f"The project has no cases numbered {', '.join(unknown)}",
                )
            ],
        )
    return [found[n] for n in wanted]


def _office_of(project: ServiceProject) -> OrgUnit:
    """The office that reports: the project's coordinating department."""
    return project.coordinating_office


def review_typical_case(case_id: int, *, decision: str, note: str = "", actor: Actor) -> TypicalCase:
    """District reviewers select, reject, or mark a selected case as reported to the city."""
    with write_transaction():
        case = (
            TypicalCase.objects.select_for_update()
            .select_related("office", "project")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NotFound("No such typical case.", "典型案例不存在。")
        require(actor, "scorecard.review_typical_case", case)
        if decision not in TypicalCaseStatus.values or decision == TypicalCaseStatus.SUBMITTED:
            raise _invalid("decision", "choice", "审核结论无效。", "Unknown review decision.")
        if decision not in REVIEW_MOVES[case.status]:
            raise Conflict(
                "This decision does not follow from the case's current status.",
                "该案例当前状态下不能作此审核结论。",
                code="status",
            )
        note = (note or "").strip()
        if decision == TypicalCaseStatus.REJECTED and not note:
            raise _invalid("note", "required", "退回须写明理由。", "A rejection needs a note.")
        before = _summary(case)
        case.status = decision
        case.review_note = note
        case.reviewed_by = acting_user(actor)
        case.reviewed_at = timezone.now()
        case.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        audit(
            Action.TYPICAL_CASE_REVIEWED,
            actor,
            target_type="typical_case",
            target_id=case.pk,
            before=before,
            after=_summary(case),
            reason=note,
        )
        return case


def visible_typical_cases(user: Any) -> QuerySet[TypicalCase]:
    rows = TypicalCase.objects.select_related("office", "project", "project__operator")
    if not user.has_perm("scorecard.view_typical_case_list"):
        return rows.none()
    scope = visible_org_units(user)
    if scope is None:
        return rows
    return rows.filter(project__operator__code__in=scope)
