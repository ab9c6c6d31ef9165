"""The scorecard page: groups with subtotals, items to tick with evidence, judgments with reasons,
computed items with their drill-down; scoring one item, recomputing and submitting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import record_view
from core.errors import ServiceError
from core.http.htmx import is_htmx

from .. import drilldown, services, submission, whatif
from ..models import SubItemScore
from ..queries import period_from
from . import sheet_form
from .common import evaluation_or_404, project_or_404, require_perm, show_error

CHANGE = "scorecard.change_evaluation"


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, pk)
    can_change = evaluation.is_draft and request.user.has_perm(CHANGE, evaluation)
    record_view(request, "scorecard", evaluation.pk)
    return render(
        request,
        "scorecard/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "sheet": sheet_form.build(evaluation, request.LANGUAGE_CODE, editable=can_change),
            "can_change": can_change,
            "follow_ups": evaluation.follow_ups.order_by("pk"),
        },
    )


def _flag(value: str | None) -> bool | None:
    if value in ("1", "true", "on", "yes"):
        return True
    if value in ("0", "false", "off", "no"):
        return False
    return None


@login_required
@require_POST
def evaluation_score(request: HttpRequest, pk: int) -> HttpResponse:
    """Score one part of the sheet: an htmx save gets the part back with its state (sheet_form),
    a plain form post the page again with a message."""
    evaluation = evaluation_or_404(request, pk)
    require_perm(request, CHANGE, evaluation)
    try:
        number = int(request.POST.get("indicator", ""))
    except ValueError:
        raise Http404 from None
    post = request.POST
    evidence = request.FILES.get("evidence_file") or (post.get("evidence_url") or "").strip() or None
    try:
        services.set_score(
            evaluation,
            number,
            post.get("sub_item") or None,
            points=(post.get("points") or "").strip() or None,
            satisfied=_flag(post.get("satisfied")),
            reason=post.get("reason") if "reason" in post else None,
            evidence=evidence,
            evidence_note=post.get("evidence_note", ""),
            actor=request.user,
        )
    except ServiceError as error:
        if is_htmx(request):
            return sheet_form.answer(request, evaluation, number, post, error=error)
        show_error(request, error)
    else:
        if is_htmx(request):
            kept = evidence is None and bool(post.get("evidence_note", "").strip())
            return sheet_form.answer(request, evaluation, number, post, note_kept=kept)
        messages.success(request, _("Indicator %(number)s was saved.") % {"number": number})
    return redirect(f"{evaluation_url(evaluation.pk)}#indicator-{number}")


def evaluation_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("scorecard-detail", kwargs={"pk": pk})


@login_required
@require_POST
def evaluation_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, pk)
    require_perm(request, CHANGE, evaluation)
    try:
        services.recompute(evaluation, actor=request.user)
    except ServiceError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The computed indicators were read again from the service records."))
    return redirect("scorecard-detail", pk=evaluation.pk)


@login_required
@require_POST
def evaluation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, pk)
    require_perm(request, CHANGE, evaluation)
    try:
        submission.submit_evaluation(evaluation, actor=request.user)
    except ServiceError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The scorecard was submitted."))
    return redirect("scorecard-detail", pk=evaluation.pk)


@login_required
def evaluation_records(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, pk)
    item = (
        SubItemScore.objects.select_related("sub_item", "sub_item__indicator")
        .filter(pk=item_pk, score__evaluation=evaluation)
        .first()
    )
    if item is None or not item.sub_item.is_computed:
        raise Http404
    units, blocking = drilldown.units(item)
    return render(
        request,
        "scorecard/records.html",
        {"evaluation": evaluation, "item": item, "units": units, "blocking": blocking},
    )


@login_required
def evaluation_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, pk)
    return render(
        request,
        "scorecard/whatif.html",
        {
            "evaluation": evaluation,
            "project": evaluation.project,
            "result": whatif.for_evaluation(evaluation),
        },
    )


@login_required
def project_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    """What the records alone prove for a project and period (no scorecard needed)."""
    project = project_or_404(request, pk)
    start, end = period_from(request.GET)
    return render(
        request,
        "scorecard/whatif.html",
        {"project": project, "start": start, "end": end, "result": whatif.for_period(project, start, end)},
    )
