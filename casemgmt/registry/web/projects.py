"""The project registry pages: every project with its coverage gaps, and one project in full."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from casemgmt.models import ServiceProject, StationStaff
from casemgmt.registry.seed import divisions_without_project
from casemgmt.registry.stations import sees_private_contacts
from casemgmt.registry.web.common import display_phone, published_items, require_perm

VIEW = "casemgmt.registry_view"
CHANGE = "casemgmt.registry_change"


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, VIEW)
    projects = (
        ServiceProject.objects.select_related("coordinating_office", "operator")
        .prefetch_related("divisions")
        .order_by("level", "code")
    )
    level = request.GET.get("level", "")
    if level in ServiceProject.Level.values:
        projects = projects.filter(level=level)
    else:
        level = ""
    return render(
        request,
        "casemgmt/registry/project_list.html",
        {
            "projects": projects,
            "levels": ServiceProject.Level.choices,
            "level": level,
            "uncovered": divisions_without_project().select_related("parent"),
        },
    )


def stations_with_staff(
    project: ServiceProject, *, public_only: bool = False, public_contacts_only: bool = False
) -> list[Any]:
    """The project's stations, each with `items` (published items with text) and its staff; with
    public_only, active stations and only the staff marked as public contacts; with
    public_contacts_only, every station but only its public contacts."""
    staff = StationStaff.objects.order_by("post", "name")
    stations = project.stations.order_by("name")
    if public_only or public_contacts_only:
        staff = staff.filter(is_public_contact=True)
    if public_only:
        stations = stations.filter(active=True)
    found: list[Any] = list(
        stations.prefetch_related(Prefetch("staff", queryset=staff, to_attr="listed_staff"))
    )
    for station in found:
        station.items = published_items(station.published_items)
        station.complaint_phone_display = display_phone(station.complaint_phone)
        for member in station.listed_staff:
            member.phone_display = display_phone(member.phone)
    return found


@login_required
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request, VIEW)
    project = (
        ServiceProject.objects.select_related("coordinating_office", "operator")
        .prefetch_related("divisions", "naming_records")
        .filter(code=code)
        .first()
    )
    if project is None:
        raise Http404
    return render(
        request,
        "casemgmt/registry/project_detail.html",
        {
            "project": project,
            # Enterprise users see the public directory's contacts, not the staff list.
            "stations": stations_with_staff(
                project, public_contacts_only=not sees_private_contacts(request.user)
            ),
            "can_edit": request.user.has_perm(CHANGE, project),
        },
    )
