"""The list of evaluations (scoped), with the one "start an assessment" form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casemgmt.promotion.starting import start_form

from ..models import EvaluationStatus, Stage
from ..queries import visible_evaluations
from .common import require_perm

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
    return render(
        request,
        "scorecard/evaluation_list.html",
        {
            "page": page,
            "stage": stage,
            "status": status,
            "stages": Stage.choices,
            "statuses": EvaluationStatus.choices,
            # The one "start an assessment" form belongs to promotion, the layer above the scorecard.
            "start": start_form(request.user),
            "may_see_promotion": request.user.has_perm("promotion.view_report"),
        },
    )
