"""Station and staff forms: create and edit a station, add, edit and remove its staff.

The views only shape the forms; casemgmt.registry.stations validates, checks permission and audits.
A refused save shows the form again with each field's error next to it (status 400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.models import ServiceProject, ServiceStation, StaffPost, StationStaff
from casemgmt.registry import stations
from casemgmt.registry.web.common import Field, attach_errors, catalogue_choices, field_errors, require_perm
from core.errors import InvalidInput

CHANGE = "casemgmt.registry_change"


def _station_fields(values: dict[str, Any]) -> list[Field]:
    return [
        Field("name", _("Station name"), value=values.get("name", ""), required=True),
        Field("address", _("Address"), value=values.get("address", ""), required=True),
        Field(
            "service_window",
            _("Service window"),
            value=values.get("service_window", ""),
            help=_("Leave empty when the station has no window; its staff then serve visitors."),
        ),
        Field("opening_hours", _("Opening hours"), value=values.get("opening_hours", "")),
        Field("complaint_phone", _("Complaint phone"), kind="tel", value=values.get("complaint_phone", "")),
        Field(
            "online_channel", _("Online service channel"), kind="url", value=values.get("online_channel", "")
        ),
        Field(
            "published_items",
            _("Published service items"),
            kind="items",
            value=values.get("published_items", []),
        ),
        Field("active", _("Active"), kind="checkbox", value=values.get("active", True)),
    ]


def _staff_fields(values: dict[str, Any]) -> list[Field]:
    return [
        Field("name", _("Name"), value=values.get("name", ""), required=True),
        Field(
            "post",
            _("Post"),
            kind="select",
            value=values.get("post", ""),
            choices=[("", "—"), *[(str(v), str(label)) for v, label in StaffPost.choices]],
            required=True,
        ),
        Field("phone", _("Phone"), kind="tel", value=values.get("phone", "")),
        Field("email", _("Email"), kind="email", value=values.get("email", "")),
        Field(
            "has_management_experience",
            _("Has management experience"),
            kind="checkbox",
            value=values.get("has_management_experience", False),
        ),
        Field(
            "is_public_contact",
            _("Public contact (name and phone shown on the public directory)"),
            kind="checkbox",
            value=values.get("is_public_contact", False),
        ),
    ]


def _station_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {field: request.POST.get(field, "") for field in stations.STATION_FIELDS}
    data["published_items"] = request.POST.getlist("published_items")
    data["active"] = "active" in request.POST
    return data


def _staff_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {field: request.POST.get(field, "") for field in stations.STAFF_FIELDS}
    for flag in ("has_management_experience", "is_public_contact"):
        data[flag] = flag in request.POST
    return data


def _form(
    request: HttpRequest, title: str, project: ServiceProject, fields: list[Field], status: int = 200
) -> HttpResponse:
    return render(
        request,
        "casemgmt/registry/form.html",
        {"title": title, "project": project, "fields": fields, "catalogue": catalogue_choices()},
        status=status,
    )


def _project(code: str) -> ServiceProject:
    project = ServiceProject.objects.select_related("operator").filter(code=code).first()
    if project is None:
        raise Http404
    return project


def _station(pk: int) -> ServiceStation:
    station = ServiceStation.objects.select_related("project__operator").filter(pk=pk).first()
    if station is None:
        raise Http404
    return station


def _member(pk: int) -> StationStaff:
    member = StationStaff.objects.select_related("station__project__operator").filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def _back(project: ServiceProject) -> HttpResponse:
    return redirect("registry-project", code=project.code)


@login_required
def station_create(request: HttpRequest, code: str) -> HttpResponse:
    project = _project(code)
    require_perm(request, CHANGE, project)
    title = _("New service station")
    if request.method != "POST":
        return _form(request, title, project, _station_fields({}))
    data = _station_data(request)
    try:
        stations.create_station(project, data, actor=request.user)
    except InvalidInput as error:
        return _form(request, title, project, attach_errors(_station_fields(data), field_errors(error)), 400)
    messages.success(request, _("The station was added."))
    return _back(project)


@login_required
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    station = _station(pk)
    require_perm(request, CHANGE, station)
    title = _("Edit service station")
    if request.method != "POST":
        values = {field: getattr(station, field) for field in stations.STATION_FIELDS}
        return _form(request, title, station.project, _station_fields(values))
    data = _station_data(request)
    try:
        stations.update_station(station, data, actor=request.user)
    except InvalidInput as error:
        fields = attach_errors(_station_fields(data), field_errors(error))
        return _form(request, title, station.project, fields, 400)
    messages.success(request, _("The station was saved."))
    return _back(station.project)


@login_required
def staff_add(request: HttpRequest, pk: int) -> HttpResponse:
    station = _station(pk)
    require_perm(request, CHANGE, station)
    title = _("New staff member of %(station)s") % {"station": station.name}
    if request.method != "POST":
        return _form(request, title, station.project, _staff_fields({}))
    data = _staff_data(request)
    try:
        stations.add_staff(station, data, actor=request.user)
    except InvalidInput as error:
        return _form(
            request, title, station.project, attach_errors(_staff_fields(data), field_errors(error)), 400
        )
    messages.success(request, _("The staff member was added."))
    return _back(station.project)


@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    project = member.station.project
    require_perm(request, CHANGE, member)
    title = _("Edit staff member of %(station)s") % {"station": member.station.name}
    if request.method != "POST":
        values = {field: getattr(member, field) for field in stations.STAFF_FIELDS}
        return _form(request, title, project, _staff_fields(values))
    data = _staff_data(request)
    try:
        stations.update_staff(member, data, actor=request.user)
    except InvalidInput as error:
        return _form(request, title, project, attach_errors(_staff_fields(data), field_errors(error)), 400)
    messages.success(request, _("The staff member was saved."))
    return _back(project)


@login_required
@require_POST
def staff_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    require_perm(request, CHANGE, member)
    stations.remove_staff(member, actor=request.user)
    messages.success(request, _("The staff member was removed."))
    return _back(member.station.project)
