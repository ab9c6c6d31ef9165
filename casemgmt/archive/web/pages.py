"""The archive's reading pages: the archive home, one enterprise's archive (一企一档) and a
project's outcome list. Scopes and rules: casemgmt/archive/timeline.py and casemgmt/archive/rules.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.access import record_view
from casemgmt.archive.timeline import Entry, enterprise_entries
from casemgmt.archive.web.common import case_page_url, enterprise_or_404, project_or_404
from casemgmt.archive.web.forms import OutcomeFilterForm
from casemgmt.org.scopes import scope_of, visible_enterprises, visible_outcomes, visible_projects
from casemgmt.reveal import fields as personal

LIST_LIMIT = 50
OUTCOME_LIMIT = 500


@login_required
@require_GET
def archive_home(request: HttpRequest) -> HttpResponse:
    """Projects and enterprises in the user's scope (enterprise users: their own enterprise)."""
    query = request.GET.get("q", "").strip()[:100]
    enterprises = visible_enterprises(request.user).order_by("name", "pk")
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code__icontains=query.upper()))
    projects = visible_projects(request.user).select_related("operator").order_by("code")
    return render(
        request,
        "casemgmt/archive/home.html",
        {
            "query": query,
            "enterprises": list(enterprises[:LIST_LIMIT]),
            "more_enterprises": enterprises.count() > LIST_LIMIT,
            "projects": list(projects),
        },
    )


@login_required
@require_GET
def enterprise_archive(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_or_404(request, pk)
    entries = enterprise_entries(request.user, enterprise)
    cases = sorted({e.case.pk: e.case for e in entries if e.case is not None}.values(), key=lambda c: c.pk)
    recordable = [
        project
        for project in visible_projects(request.user).select_related("operator", "coordinating_office")
        if request.user.has_perm("casemgmt.record_outcome", project)
    ]
    record_view(request, "archive", enterprise.pk)
    return render(
        request,
        "casemgmt/archive/enterprise.html",
        {
            "enterprise": enterprise,
            # Masked for staff (with the reveal control); the enterprise's own users see theirs.
            "personal": personal.shown(
                request.user, personal.ENTERPRISE, enterprise, own=_own(request, enterprise)
            ),
            "rows": [_entry_row(request, entry) for entry in entries],
            "case_count": len(cases),
            "case_links": {case.pk: case_page_url(case.pk) for case in cases},
            "may_record": bool(recordable),
        },
    )


def _own(request: HttpRequest, enterprise: Any) -> bool:
    """The reader is one of the enterprise's own users (its contact details are theirs)."""
    return enterprise.org_unit_id is not None and enterprise.pk in scope_of(request.user).enterprise_ids


def _entry_row(request: HttpRequest, entry: Entry) -> dict[str, Any]:
    outcome = entry.outcome
    case = entry.case
    return {
        "entry": entry,
        "case_url": case_page_url(case.pk) if case is not None else "",
        "may_correct": outcome is not None and request.user.has_perm("casemgmt.correct_outcome", outcome),
        # Offered once per case, on the row of its submission.
        "may_record": entry.kind == "submitted"
        and case is not None
        and request.user.has_perm("casemgmt.record_outcome", case.project),
    }


@login_required
@require_GET
def project_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_or_404(request, pk)
    form = OutcomeFilterForm(request.GET or None)
    outcomes = (
        visible_outcomes(request.user)
        .filter(project=project)
        .select_related("enterprise", "case")
        .order_by("-obtained_on", "-pk")
    )
    status = 200
    if form.is_bound and not form.is_valid():
        outcomes = outcomes.none()
        status = 400
    elif form.is_bound:
        if form.cleaned_data["kind"]:
            outcomes = outcomes.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data.get("from"):
            outcomes = outcomes.filter(obtained_on__gte=form.cleaned_data["from"])
        if form.cleaned_data.get("to"):
            outcomes = outcomes.filter(obtained_on__lte=form.cleaned_data["to"])
    counts = dict(outcomes.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return render(
        request,
        "casemgmt/archive/project_outcomes.html",
        {
            "project": project,
            "form": form,
            "outcomes": list(outcomes[:OUTCOME_LIMIT]),
            "total": sum(counts.values()),
            "limit": OUTCOME_LIMIT,
            "may_record": request.user.has_perm("casemgmt.record_outcome", project),
            "may_correct": request.user.has_perm("casemgmt.correct_outcome", project),
        },
        status=status,
    )
