"""The evaluation pages: the list (scoped), starting one, the scorecard itself, scoring and submitting."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.models import ServiceProject
from core.errors import ServiceError

from .. import services
from ..models import Evaluation, EvaluationStatus, Stage
from ..queries import startable, visible_evaluations
from .common import parse_date, require_perm, show_error

LIST = "scorecard.view_evaluation_list"


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, LIST)
    rows = visible_evaluations(request.user).order_by("-period_end", "-pk")
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        rows = rows.filter(stage=stage)
    else:
        stage = ""
    status = request.GET.get("status", "")
    if status in EvaluationStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = datetime.date.today()
    can_start = startable(request.user)
    allowed = {stage for _, stages in can_start for stage in stages}
    return render(
        request,
        "scorecard/evaluation_list.html",
        {
            "page": page,
            "stage": stage,
            "status": status,
            "stages": Stage.choices,
            "statuses": EvaluationStatus.choices,
            "startable": can_start,
            "start_stages": [(value, label) for value, label in Stage.choices if value in allowed],
            "default_start": datetime.date(today.year, 1, 1),
            "default_end": datetime.date(today.year, 12, 31),
            "submitted_self": visible_evaluations(request.user).filter(
                stage__in=[Stage.SELF, Stage.OFFICE], status=EvaluationStatus.SUBMITTED
            )[:200],
        },
    )


def project_from_form(value: str) -> ServiceProject | None:
    """A project by id or by code (scripts and bookmarks use the code)."""
    projects = ServiceProject.objects.select_related("operator")
    value = value.strip()
    return projects.filter(pk=int(value)).first() if value.isdigit() else projects.filter(code=value).first()


@login_required
@require_POST
def evaluation_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, LIST)
    project = project_from_form(request.POST.get("project", ""))
    start = parse_date(request.POST.get("period_start"))
    end = parse_date(request.POST.get("period_end"))
    if project is None or start is None or end is None:
        messages.error(request, _("Choose a project and give the period's first and last day."))
        return redirect("scorecard-list")
    based_on: Evaluation | None = None
    if request.POST.get("based_on"):
        based_on = visible_evaluations(request.user).filter(pk=request.POST.get("based_on", "")).first()
    try:
        evaluation = services.create_evaluation(
            project, start, end, stage=request.POST.get("stage", ""), actor=request.user, based_on=based_on
        )
    except ServiceError as error:
        show_error(request, error)
        return redirect("scorecard-list")
    messages.success(request, _("The scorecard was started."))
    return redirect("scorecard-detail", pk=evaluation.pk)
