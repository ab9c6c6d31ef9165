"""The promotion pages: the district report with the pipeline, a project's promotion history, the
city package download, and the application form with the proposed name (both pages offer the one
"start an assessment" form, casemgmt/promotion/starting.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casemgmt.models import ServiceProject
from casemgmt.scorecard.models import Evaluation
from core.errors import ServiceError
from core.http.page_errors import field_message, page_message
from workflows import human_tasks
from workflows.models import HumanTask

from .. import queries, starting
from ..models import CityNomination, ProjectAssessment
from ..naming import proposed_district_name

PACKAGE_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _project_or_404(request: HttpRequest, pk: int) -> ServiceProject:
    project = ServiceProject.objects.select_related("operator", "coordinating_office").filter(pk=pk).first()
    if project is None or not request.user.has_perm("promotion.view_project", project):
        raise Http404
    return project


@login_required
def report(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("promotion.view_report"):
        raise PermissionDenied
    filters = queries.ReportFilters.parse(request.GET)
    rows = queries.latest_by_project(queries.assessments(request.user, filters))
    return render(
        request,
        "promotion/report.html",
        {
            "filters": filters,
            "rows": rows,
            "pipeline": queries.pipeline(request.user, filters.office),
            "offices": queries.offices(request.user),
            "levels": ServiceProject.Level.choices,
            "outcomes": ProjectAssessment.Outcome.choices,
            "start": starting.start_form(request.user),
        },
    )


def _open_steps(project: ServiceProject) -> list[tuple[HumanTask, str]]:
    """The project's open promotion steps, each with the page to work it: the scorecard for an
    evaluation step, the application form for "apply", the task page otherwise."""
    tasks = list(
        HumanTask.objects.filter(
            instance__promotion_assessment__project=project, status=HumanTask.Status.OPEN
        ).order_by("created_at")
    )
    drafts = {
        (e.instance_id, e.task_spec): e.pk
        for e in Evaluation.objects.filter(
            instance_id__in={t.instance_id for t in tasks}, status=Evaluation.Status.DRAFT
        ).exclude(task_spec="")
    }
    steps: list[tuple[HumanTask, str]] = []
    for task in tasks:
        if (task.instance_id, task.task_spec) in drafts:
            url = reverse("scorecard-detail", args=[drafts[(task.instance_id, task.task_spec)]])
        elif task.task_spec == "apply":
            url = reverse("promotion-apply", args=[task.pk])
        else:
            url = reverse("task-detail-page", args=[task.pk])
        steps.append((task, url))
    return steps


@login_required
def project_history(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    return render(
        request,
        "promotion/project.html",
        {
            "project": project,
            "assessments": ProjectAssessment.objects.filter(project=project).select_related(
                "instance", "self_evaluation", "office_evaluation", "district_evaluation"
            ),
            "namings": project.naming_records.select_related("decided_by").order_by("-decided_at", "-pk"),
            "nominations": CityNomination.objects.filter(project=project).defer("package"),
            "start": starting.start_form(request.user, project),
            "open_tasks": _open_steps(project),
        },
    )


@login_required
def package(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = CityNomination.objects.select_related("project__operator").filter(pk=pk).first()
    if nomination is None or not request.user.has_perm("promotion.view_project", nomination.project):
        raise Http404
    if not request.user.has_perm("promotion.download_package", nomination):
        raise PermissionDenied
    response = HttpResponse(bytes(nomination.package), content_type=PACKAGE_TYPES[nomination.package_format])
    response["Content-Disposition"] = f'attachment; filename="{nomination.package_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """The application for district naming, with the proposed name filled in from the rule."""
    task = HumanTask.objects.select_related("instance").filter(pk=pk, task_spec="apply").first()
    if task is None or not request.user.has_perm("workflows.view_task", task):
        raise Http404
    assessment = ProjectAssessment.objects.select_related("project").filter(instance=task.instance).first()
    if assessment is None:
        raise Http404
    if task.status != HumanTask.Status.OPEN or not request.user.has_perm("workflows.work_task", task):
        raise PermissionDenied
    proposed = assessment.proposed_name or proposed_district_name(assessment.project)
    values = {"proposed_name": proposed, "statement": ""}
    error = ""
    if request.method == "POST":
        values = {name: str(request.POST.get(name, "")).strip() for name in values}
        try:
            human_tasks.complete(task.pk, actor=request.user, data=values)
        except ServiceError as failure:
            # Field messages in the page's language too (they were always Chinese before).
            error = page_message(failure) + "".join(f" {f.field}: {field_message(f)}" for f in failure.fields)
        else:
            messages.success(request, _("Application sent to the office."))
            return redirect("promotion-project", pk=assessment.project_id)
    return render(
        request,
        "promotion/apply.html",
        {"task": task, "assessment": assessment, "values": values, "error": error, "rule_name": proposed},
        status=400 if error else 200,
    )
