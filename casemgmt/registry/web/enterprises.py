"""The enterprise registry for staff: a scoped, searchable list, the enterprise's page with the
changes intakes proposed for it, and the edit form.

Scope (casemgmt.org.scopes.registry_enterprises): district-wide roles see every enterprise,
office staff those located in their area or served by projects of their area, operators those
with cases in their project. Outside the scope an enterprise answers 404, as if it did not exist.
Editing and deciding proposals is for the area the enterprise belongs to
(casemgmt.registry_change_enterprise). The enterprise archive (一企一档) is another page
(archive-enterprise), linked where it exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import record_view
from casemgmt.models import Enterprise, EnterpriseChangeProposal, OrgUnit, SizeClass
from casemgmt.org.scopes import registry_enterprises
from casemgmt.registry import enterprise_changes
from casemgmt.registry.enterprises import update_enterprise
from casemgmt.registry.web.common import (
    Field,
    attach_errors,
    display_phone,
    field_errors,
    require_perm,
    url_if_exists,
)
from casemgmt.reveal import fields as personal
from core import masking
from core.errors import InvalidInput, NotFound, ServiceError
from core.http.page_errors import page_message

LIST = "casemgmt.registry_view_enterprise_list"
CHANGE = "casemgmt.registry_change_enterprise"
PAGE_SIZE = 50
MAX_QUERY = 100


def enterprise_search(user: Any, query: str) -> Any:
    """The user's enterprises whose name or credit code contains the query (any case)."""
    pending = Count(
        "change_proposals", filter=Q(change_proposals__status=EnterpriseChangeProposal.Status.PENDING)
    )
    found = registry_enterprises(user).select_related("division").annotate(pending_proposals=pending)
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
            # Lists mask for every role (issue 19); the enterprise's page reveals with a reason.
            "contact_name": masking.mask_name(enterprise.contact_name),
            "phone": masking.mask_phone(enterprise.phone),
            "archive_url": url_if_exists("archive-enterprise", pk=enterprise.pk),
            "can_edit": request.user.has_perm(CHANGE, enterprise),
            "pending_proposals": enterprise.pending_proposals,
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
    enterprise = registry_enterprises(request.user).filter(credit_code=credit_code.strip().upper()).first()
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


def _field_labels() -> dict[str, str]:
    return {
        "name": _("Enterprise name"),
        "contact_name": _("Contact person"),
        "phone": _("Contact phone"),
        "address": _("Enterprise address"),
        "size_class": _("Size class"),
        "industry": _("Industry"),
    }


def _shown(field: str, value: str) -> str:
    """A stored value as the page shows it (size classes by their label, phones readable)."""
    if not value:
        return "—"
    if field == "size_class":
        return str(dict(SizeClass.choices).get(value, value))
    if field == "phone":
        return display_phone(value)
    return value


def _masked(field: str, value: str) -> str:
    """A proposal's value as the page shows it: personal values masked (core.masking)."""
    kind = masking.kind_of_key(field)
    return masking.mask(kind, value) if kind is not None and value else _shown(field, value)


def _proposal_rows(request: HttpRequest, enterprise: Enterprise) -> list[dict[str, Any]]:
    labels = _field_labels()
    rows = []
    for proposal in enterprise_changes.visible_proposals(enterprise, request.user)[:50]:
        pending = proposal.status == EnterpriseChangeProposal.Status.PENDING
        changes = [
            {
                "label": labels[change.field],
                "then": _masked(change.field, change.then),
                "proposed": _masked(change.field, change.proposed),
                "now": _masked(change.field, change.now),
                "stale": pending and change.stale,
            }
            for change in enterprise_changes.field_changes(proposal, enterprise)
        ]
        case = proposal.case
        rows.append(
            {
                "proposal": proposal,
                "pending": pending,
                "stale": any(change["stale"] for change in changes),
                "changes": changes,
                "case_no": case.case_no if case is not None else "",
                "case_url": url_if_exists("cases-detail", pk=case.pk)
                if case is not None and request.user.has_perm("cases.view_case", case)
                else "",
            }
        )
    return rows


def _detail(
    request: HttpRequest, enterprise: Enterprise, *, error: str = "", status: int = 200
) -> HttpResponse:
    labels = _field_labels()
    # Contact and address masked, each with the reveal control (casemgmt/reveal).
    hidden = personal.shown(request.user, personal.ENTERPRISE, enterprise)
    details: list[tuple[Any, Any]] = [
        (labels[field], hidden.get(field) or _shown(field, str(getattr(enterprise, field) or "")))
        for field in enterprise_changes.PROPOSAL_FIELDS
    ]
    details.insert(4, (_("Street or town"), enterprise.division.name if enterprise.division else "—"))
    rows = _proposal_rows(request, enterprise)
    context = {
        "enterprise": enterprise,
        "details": details,
        "can_edit": request.user.has_perm(CHANGE, enterprise),
        "archive_url": url_if_exists("archive-enterprise", pk=enterprise.pk),
        "pending": [row for row in rows if row["pending"]],
        "decided": [row for row in rows if not row["pending"]][:10],
        "form_error": error,
    }
    return render(request, "casemgmt/registry/enterprise_detail.html", context, status=status)


@login_required
def enterprise_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    require_perm(request, LIST)
    enterprise = _visible(request, credit_code)
    response = _detail(request, enterprise)
    record_view(request, "enterprise", enterprise.pk)
    return response


def _decide(request: HttpRequest, credit_code: str, pk: int, accept: bool) -> HttpResponse:
    require_perm(request, LIST)
    enterprise = _visible(request, credit_code)
    reason = request.POST.get("reason", "")
    try:
        if accept:
            enterprise_changes.accept_proposal(
                enterprise.credit_code,
                pk,
                actor=request.user,
                reason=reason,
                confirm_stale=request.POST.get("confirm_stale") == "1",
            )
            messages.success(request, _("The proposed change was accepted and applied."))
        else:
            enterprise_changes.reject_proposal(enterprise.credit_code, pk, actor=request.user, reason=reason)
            messages.success(request, _("The proposed change was rejected."))
    except NotFound as refusal:
        raise Http404 from refusal
    except ServiceError as refusal:
        enterprise.refresh_from_db()
        return _detail(request, enterprise, error=page_message(refusal), status=refusal.status)
    return redirect("registry-enterprise", credit_code=enterprise.credit_code)


@login_required
@require_POST
def proposal_accept(request: HttpRequest, credit_code: str, pk: int) -> HttpResponse:
    return _decide(request, credit_code, pk, accept=True)


@login_required
@require_POST
def proposal_reject(request: HttpRequest, credit_code: str, pk: int) -> HttpResponse:
    return _decide(request, credit_code, pk, accept=False)
