"""The enterprise registry for staff: a scoped, searchable list and the edit form.

Scope (casemgmt.enterprises.visible_enterprises): district-wide roles see every enterprise,
office staff those located in their area or served by projects of their area, operators those
with cases in their project. Outside the scope an enterprise answers 404, as if it did not exist.
The enterprise archive (一企一档) is another page (archive-enterprise), linked where it exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from config.errors import InvalidInput

from ..enterprises import update_enterprise, visible_enterprises
from ..models import Enterprise, OrgUnit, SizeClass
from .registry_common import Field, attach_errors, display_phone, field_errors, require_perm, url_if_exists

LIST = "casemgmt.registry_view_enterprise_list"
CHANGE = "casemgmt.registry_change_enterprise"
PAGE_SIZE = 50
MAX_QUERY = 100


def enterprise_search(user: Any, query: str) -> Any:
    """The user's enterprises whose name or credit code contains the query (any case)."""
    found = visible_enterprises(user).select_related("division")
    query = query.strip()[:MAX_QUERY]
    if query:
        found = found.filter(Q(name__icontains=query) | Q(credit_code__icontains=query))
    return found.order_by("name", "credit_code")


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, LIST)
    query = request.GET.get("q", "")
    page = Paginator(enterprise_search(request.user, query), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "enterprise": enterprise,
            "phone": display_phone(enterprise.phone),
            "archive_url": url_if_exists("archive-enterprise", pk=enterprise.pk),
            "can_edit": request.user.has_perm(CHANGE, enterprise),
        }
        for enterprise in page.object_list
    ]
    return render(
        request, "casemgmt/registry/enterprise_list.html", {"rows": rows, "page": page, "q": query.strip()}
    )


def _fields(values: dict[str, Any]) -> list[Field]:
    divisions = OrgUnit.objects.filter(kind=OrgUnit.Kind.DIVISION).order_by("code")
    return [
        Field("name", _("Enterprise name"), value=values.get("name", ""), required=True),
        Field("contact_name", _("Contact person"), value=values.get("contact_name", "")),
        Field("phone", _("Contact phone"), kind="tel", value=values.get("phone", "")),
        Field("address", _("Enterprise address"), value=values.get("address", "")),
        Field(
            "division_code",
            _("Street or town"),
            kind="select",
            value=values.get("division_code", ""),
            choices=[("", "—"), *[(d.code, d.name) for d in divisions]],
        ),
        Field(
            "size_class",
            _("Size class"),
            kind="select",
            value=values.get("size_class", ""),
            choices=[("", "—"), *[(str(v), str(label)) for v, label in SizeClass.choices]],
        ),
        Field("industry", _("Industry"), value=values.get("industry", "")),
    ]


def _visible(request: HttpRequest, credit_code: str) -> Enterprise:
    enterprise = visible_enterprises(request.user).filter(credit_code=credit_code.strip().upper()).first()
    if enterprise is None:
        raise Http404
    return enterprise


@login_required
def enterprise_edit(request: HttpRequest, credit_code: str) -> HttpResponse:
    require_perm(request, LIST)
    enterprise = _visible(request, credit_code)
    require_perm(request, CHANGE, enterprise)
    title = _("Edit enterprise %(code)s") % {"code": enterprise.credit_code}
    context: dict[str, Any] = {"title": title, "project": None}
    if request.method != "POST":
        values = {
            "name": enterprise.name,
            "contact_name": enterprise.contact_name,
            "phone": enterprise.phone,
            "address": enterprise.address,
            "division_code": enterprise.division.code if enterprise.division else "",
            "size_class": enterprise.size_class,
            "industry": enterprise.industry,
        }
        return render(request, "casemgmt/registry/form.html", {**context, "fields": _fields(values)})
    data = {key: request.POST.get(key, "") for key in (f.name for f in _fields({}))}
    try:
        update_enterprise(enterprise, data, actor=request.user)
    except InvalidInput as error:
        fields = attach_errors(_fields(data), field_errors(error))
        return render(request, "casemgmt/registry/form.html", {**context, "fields": fields}, status=400)
    messages.success(request, _("The enterprise was saved."))
    return redirect("registry-enterprises")
