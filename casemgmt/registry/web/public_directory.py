"""The public directory (no sign-in): every active project with its stations, service windows,
hours, complaint phones, published service items and public contacts.

Staff phone numbers and e-mail addresses appear only for staff marked as public contacts
(is_public_contact); other staff are not listed at all.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casemgmt.models import OrgUnit, ServiceProject
from casemgmt.registry.web.projects import stations_with_staff


def public_directory(request: HttpRequest) -> HttpResponse:
    projects = (
        ServiceProject.objects.filter(status=ServiceProject.Status.ACTIVE)
        .select_related("coordinating_office", "operator")
        .prefetch_related("divisions")
        .order_by("level", "code")
    )
    divisions = OrgUnit.objects.filter(kind=OrgUnit.Kind.DIVISION).order_by("code")
    division = request.GET.get("division", "")
    if division and divisions.filter(code=division).exists():
        # A street's own projects and the district/city-wide ones, which serve everybody.
        projects = projects.filter(divisions__code=division) | projects.filter(divisions__isnull=True)
        projects = projects.distinct()
    else:
        division = ""
    entries = [
        {"project": project, "stations": stations_with_staff(project, public_only=True)}
        for project in projects
    ]
    return render(
        request,
        "casemgmt/registry/public_directory.html",
        {"entries": entries, "divisions": divisions, "division": division},
    )
