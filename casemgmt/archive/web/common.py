"""What every archive page shares: finding objects in the user's scope (else 404), the link to a
case's page, service errors shown in the page's language."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from casemgmt.models import Enterprise, Outcome, ServiceCase, ServiceProject
from casemgmt.org.scopes import may_see_case
from core.errors import ServiceError
from core.http.page_errors import page_errors


def enterprise_or_404(request: HttpRequest, pk: int) -> Enterprise:
    found = Enterprise.objects.select_related("division", "org_unit").filter(pk=pk).first()
    if found is None or not request.user.has_perm("casemgmt.view_enterprise_archive", found):
        raise Http404
    return found


def project_or_404(request: HttpRequest, pk: int) -> ServiceProject:
    found = ServiceProject.objects.select_related("operator", "coordinating_office").filter(pk=pk).first()
    if found is None or not request.user.has_perm("casemgmt.view_project_archive", found):
        raise Http404
    return found


def case_or_404(request: HttpRequest, pk: int) -> ServiceCase:
    found = ServiceCase.objects.select_related(
        "project__operator", "project__coordinating_office", "enterprise"
    )
    case = found.filter(pk=pk).first()
    if case is None or not may_see_case(request.user, case):
        raise Http404
    return case


def outcome_or_404(request: HttpRequest, pk: int) -> Outcome:
    found = (
        Outcome.objects.select_related(
            "project__operator", "project__coordinating_office", "enterprise", "case"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None or not request.user.has_perm("casemgmt.view_outcome", found):
        raise Http404
    return found


def case_page_url(case_pk: int) -> str:
    """The case detail page (the cases area's); "" while that page does not exist."""
    try:
        return reverse("cases-detail", kwargs={"pk": case_pk})
    except NoReverseMatch:
        return ""


def in_page_language(error: ServiceError) -> tuple[str, dict[str, list[str]]]:
    """The error's message and its field messages, in the request's language."""
    refusal = page_errors(error)
    return refusal.message, refusal.fields


def period_query(period: Any) -> str:
    return f"from={period.start:%Y-%m-%d}&to={period.end:%Y-%m-%d}"
