"""The enterprise's personal-data page (/my/personal-data/) and its correction request form.

Open to users with the enterprise role only (anyone else: 403; staff read enterprises in the
registry and the archive). The page shows, for each of the user's enterprises, the registered
contact, the contacts given with its cases, its consents and its correction requests with their
outcome, all in full: it is the enterprise's own data. A correction request posts to its own URL
and comes back to the page (post/redirect/get), or shows the page again with the reasons (400).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casemgmt.models import CorrectionRequest
from casemgmt.registry.enterprise_changes import LABELS
from core.errors import ServiceError
from core.http.page_errors import page_errors, raise_for_refusal

from . import corrections, holdings


@dataclass(frozen=True)
class CorrectionRow:
    request: CorrectionRequest
    label: str  # the detail, in the page's language
    then: str  # registered when asked
    value: str  # asked for


def _field_choices(english: bool) -> list[tuple[str, str]]:
    return [(name, LABELS[name][1 if english else 0]) for name in holdings.CORRECTABLE]


def _rows(requests: list[CorrectionRequest], english: bool) -> list[CorrectionRow]:
    rows = []
    for request in requests:
        # One detail per request (corrections.request_correction).
        for name, value in request.proposal.proposed.items():
            label = LABELS.get(name, (name, name))[1 if english else 0]
            rows.append(
                CorrectionRow(request, label, str(request.proposal.current.get(name, "")), str(value))
            )
    return rows


def _render(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    english = (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")
    context = {
        "holdings": [
            (held, _rows(held.corrections, english))
            for held in map(holdings.held, holdings.own_enterprises(request.user))
        ],
        "field_choices": _field_choices(english),
        "posted": {},
        "errors": {},
        **extra,
    }
    return render(request, "casemgmt/rights/personal_data.html", context, status=status)


def _enterprise_users_only(request: HttpRequest) -> None:
    if not holdings.is_enterprise_user(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD"])
def personal_data(request: HttpRequest) -> HttpResponse:
    _enterprise_users_only(request)
    return _render(request)


@login_required
@require_POST
def correction_request(request: HttpRequest) -> HttpResponse:
    _enterprise_users_only(request)
    post = request.POST
    try:
        corrections.request_correction(
            request.user,
            post.get("enterprise", ""),
            post.get("field", ""),
            post.get("value", ""),
            post.get("note", ""),
        )
    except ServiceError as refusal:
        # Another enterprise's code is the 404 page, as if it did not exist.
        raise_for_refusal(refusal)
        shown = page_errors(refusal)
        posted = {name: post.get(name, "") for name in ("enterprise", "field", "value", "note")}
        return _render(request, refusal.status, form_error=shown.message, errors=shown.first(), posted=posted)
    messages.success(request, _("Your correction request has been sent to the service project's staff."))
    return redirect("rights-personal-data")
