"""Recording an outcome (for a case, an enterprise or a project) and correcting one, with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casemgmt.archive import outcomes as service
from casemgmt.archive.web.common import (
    case_or_404,
    enterprise_or_404,
    in_page_language,
    outcome_or_404,
    project_or_404,
)
from casemgmt.archive.web.forms import DESCRIPTIVE, OutcomeForm
from casemgmt.models import Outcome, ServiceProject
from casemgmt.org.scopes import visible_cases, visible_enterprises, visible_projects
from core.errors import ServiceError


def _require(request: HttpRequest, permission: str, target: Any) -> None:
    if not request.user.has_perm(permission, target):
        raise PermissionDenied


def _done(request: HttpRequest, outcome: Outcome, text: str) -> HttpResponse:
    messages.success(request, text)
    if outcome.enterprise_id is not None:
        return redirect("archive-enterprise", pk=outcome.enterprise_id)
    return redirect("archive-project-outcomes", pk=outcome.project_id)


def _show(
    request: HttpRequest, form: OutcomeForm, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, "casemgmt/archive/outcome_form.html", {"form": form, **context}, status=status)


def _refused(
    request: HttpRequest, form: OutcomeForm, error: ServiceError, context: dict[str, Any]
) -> HttpResponse:
    message, fields = in_page_language(error)
    for name, texts in fields.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
    if not fields:
        form.add_error(None, message)
    return _show(request, form, context, status=error.status)


@login_required
@require_http_methods(["GET", "POST"])
def record_for_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    _require(request, "casemgmt.record_outcome", case.project)
    context = {"heading": _("Record an outcome of case %(case)s") % {"case": case.case_no}, "case": case}
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = service.record_outcome(
                actor=request.user,
                project=case.project,
                enterprise=case.enterprise,
                case=case,
                **form.values(),
            )
        except ServiceError as error:
            return _refused(request, form, error, context)
        return _done(request, outcome, _("The outcome was recorded."))
    return _show(request, form, context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def record_for_enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_or_404(request, pk)
    recordable = [
        p.pk
        for p in visible_projects(request.user).select_related("operator", "coordinating_office")
        if request.user.has_perm("casemgmt.record_outcome", p)
    ]
    if not recordable:
        raise PermissionDenied
    projects = ServiceProject.objects.filter(pk__in=recordable).order_by("code")
    cases = visible_cases(request.user).filter(enterprise=enterprise, project_id__in=recordable)
    context = {
        "heading": _("Record an outcome of %(name)s") % {"name": enterprise.name},
        "enterprise": enterprise,
    }
    form = OutcomeForm(request.POST or None, projects=projects, cases=cases.order_by("-submitted_at"))
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            outcome = service.record_outcome(
                actor=request.user, project=form.cleaned_data["project"], enterprise=enterprise, **values
            )
        except ServiceError as error:
            return _refused(request, form, error, context)
        return _done(request, outcome, _("The outcome was recorded."))
    return _show(request, form, context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def record_for_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk)
    _require(request, "casemgmt.record_outcome", project)
    cases = visible_cases(request.user).filter(project=project)
    enterprises = visible_enterprises(request.user).filter(cases__project=project).distinct().order_by("name")
    context = {"heading": _("Record an outcome of %(name)s") % {"name": project.name}, "project": project}
    form = OutcomeForm(request.POST or None, enterprises=enterprises, cases=cases.order_by("-submitted_at"))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = service.record_outcome(actor=request.user, project=project, **form.values())
        except ServiceError as error:
            return _refused(request, form, error, context)
        return _done(request, outcome, _("The outcome was recorded."))
    return _show(request, form, context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = outcome_or_404(request, pk)
    _require(request, "casemgmt.correct_outcome", outcome)
    context = {
        "heading": _("Correct the outcome “%(title)s”") % {"title": outcome.title},
        "outcome": outcome,
        "correction": True,
    }
    initial = {name: getattr(outcome, name) for name in DESCRIPTIVE}
    cases = None
    if outcome.enterprise_id is not None:
        # The case may be corrected too, among the enterprise's cases of the same project.
        initial["case"] = outcome.case_id
        cases = visible_cases(request.user).filter(
            project=outcome.project, enterprise_id=outcome.enterprise_id
        )
    form = OutcomeForm(request.POST or None, initial=initial, cases=cases, correction=True)
    if request.method == "POST" and form.is_valid():
        changes = form.values()
        if "case" not in request.POST:
            changes.pop("case", None)  # a client that does not send the link leaves it as it is
        try:
            service.correct_outcome(outcome.pk, changes, request.user, form.cleaned_data["reason"])
        except ServiceError as error:
            return _refused(request, form, error, context)
        return _done(request, outcome, _("The correction was saved."))
    return _show(request, form, context, status=400 if form.is_bound else 200)
