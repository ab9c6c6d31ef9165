"""The one action behind every "start an assessment" form (casemgmt/promotion/starting.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.models import ServiceProject
from casemgmt.scorecard.web.common import parse_date
from core.errors import ServiceError
from core.http.page_errors import refuse_on_page

from .. import starting

# The pages the form is shown on, by the name it sends back: a refusal returns there (a fixed
# list, so the field cannot send anyone elsewhere).
FORM_PAGES = {"scorecards": "scorecard-list", "report": "promotion-report", "project": "promotion-project"}


def _project(value: str) -> ServiceProject | None:
    value = value.strip()
    return (
        ServiceProject.objects.select_related("operator").filter(pk=int(value)).first()
        if value.isdigit()
        else None
    )


def _back(request: HttpRequest, project: ServiceProject | None) -> str:
    name = FORM_PAGES.get(request.POST.get("from", ""), "scorecard-list")
    if name == "promotion-project":
        return reverse(name, args=[project.pk]) if project is not None else reverse("scorecard-list")
    return reverse(name)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    post = request.POST
    project = _project(post.get("project", ""))
    try:
        target = starting.start(
            request.user,
            project=project,
            kind=post.get("kind", ""),
            period_start=parse_date(post.get("period_start")),
            period_end=parse_date(post.get("period_end")),
            based_on=post.get("based_on", ""),
        )
    except ServiceError as error:
        refuse_on_page(request, error)
        return redirect(_back(request, project))
    if post.get("kind") == starting.PROMOTION:
        messages.success(
            request, _("The assessment has started; the self-assessment is in the operator's inbox.")
        )
    else:
        messages.success(request, _("The scorecard was started."))
    return redirect(target)
