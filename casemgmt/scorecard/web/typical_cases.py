"""Typical-case pages: the list (offices their area's, district all, with review actions) and the
office's submission form."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.models import ServiceProject
from casemgmt.org.directory import visible_org_units
from core.errors import FieldError, InvalidInput, ServiceError

from ..models import TypicalCaseKind, TypicalCaseStatus
from ..typical_cases import (
    REVIEW_MOVES,
    case_ids_by_number,
    review_typical_case,
    submit_typical_case,
    visible_typical_cases,
)
from .common import field_errors, require_perm, show_error, typical_case_or_404

LIST = "scorecard.view_typical_case_list"


def current_quarter(today: datetime.date | None = None) -> str:
    day = today or datetime.date.today()
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def submittable_projects(user: Any) -> list[ServiceProject]:
    projects = ServiceProject.objects.select_related("operator").order_by("code")
    scope = visible_org_units(user)
    if scope is not None:
        projects = projects.filter(operator__code__in=scope)
    return [p for p in projects if user.has_perm("scorecard.submit_typical_case", p)]


@login_required
def typical_case_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, LIST)
    rows = visible_typical_cases(request.user).prefetch_related("cases")
    status = request.GET.get("status", "")
    if status in TypicalCaseStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    quarter = request.GET.get("quarter", "").strip().upper()
    if quarter:
        rows = rows.filter(quarter=quarter)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    can_review = request.user.has_perm("scorecard.review_typical_case", None)
    for case in page.object_list:
        case.moves = (
            [(move, TypicalCaseStatus(move).label) for move in REVIEW_MOVES[case.status]]
            if can_review
            else []
        )
    return render(
        request,
        "scorecard/typical_case_list.html",
        {
            "page": page,
            "status": status,
            "quarter": quarter,
            "statuses": TypicalCaseStatus.choices,
            "can_submit": bool(submittable_projects(request.user)),
            "can_review": can_review,
        },
    )


_CASE_NO = re.compile(r"[A-Za-z0-9-]+")


@login_required
def typical_case_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, LIST)
    projects = submittable_projects(request.user)
    if not projects:
        require_perm(request, "scorecard.submit_typical_case", None)
    values: dict[str, Any] = {
        "quarter": current_quarter(),
        "kind": "",
        "title": "",
        "description": "",
        "cases": "",
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        values["project"] = request.POST.get("project", "")
        project = next((p for p in projects if values["project"] in (str(p.pk), p.code)), None)
        numbers = _CASE_NO.findall(values["cases"])
        try:
            if project is None:
                raise InvalidInput(
                    "Choose a project.",
                    "请选择项目。",
                    fields=[FieldError("project", "required", "请选择项目。", "Choose a project.")],
                )
            case_ids = case_ids_by_number(project, numbers)
            submit_typical_case(
                project=project,
                quarter=values["quarter"],
                kind=values["kind"],
                title=values["title"],
                description=values["description"],
                case_ids=case_ids,
                actor=request.user,
            )
        except InvalidInput as error:
            errors = field_errors(error)
            messages.error(request, error.message_for(request.LANGUAGE_CODE))
        except ServiceError as error:
            show_error(request, error)
        else:
            messages.success(request, _("The typical case was submitted."))
            return redirect("scorecard-typical-cases")
    return render(
        request,
        "scorecard/typical_case_form.html",
        {"projects": projects, "values": values, "errors": errors, "kinds": TypicalCaseKind.choices},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def typical_case_review(request: HttpRequest, pk: int) -> HttpResponse:
    case = typical_case_or_404(request, pk)
    require_perm(request, "scorecard.review_typical_case", case)
    try:
        review_typical_case(
            case.pk,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except ServiceError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The review was saved."))
    return redirect("scorecard-typical-cases")
