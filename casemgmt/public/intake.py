"""Public online intake (no sign-in): an enterprise submits its request and gets its case number.

The form posts to itself; a refused submission is shown again with the reasons next to the fields
(400, or 409 when the submission key was already used for another request); an accepted one
redirects to the receipt (post/redirect/get), so a reload never submits twice. Every submission
counts against the address's hourly limit before anything else runs: over it, 429.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casemgmt.cases.intake import IDEMPOTENCY_HEADER, IntakeRequest, submit_case
from casemgmt.cases.lookup import find_case_for_enterprise
from casemgmt.consent import notice as privacy_notice
from casemgmt.models import Channel
from casemgmt.public import access as public_access
from casemgmt.public.forms import IntakeForm, catalogue_groups
from casemgmt.public.throttle import RateLimited, hit_request, intake_limit
from core.errors import Conflict, ServiceError


def _intake_request(form: IntakeForm, header_key: str | None, user: Any) -> IntakeRequest:
    data = form.cleaned_data
    # The form's hidden key first; scripted clients may send the header instead.
    key = data.get("idempotency_key") or header_key or None
    return IntakeRequest(
        project_code=data["project_code"],
        credit_code=data["credit_code"],
        enterprise_name=data["enterprise_name"],
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        need=data["need"],
        catalogue_items=tuple(data["catalogue_items"]),
        channel=Channel.ONLINE,
        address=data.get("address", ""),
        size_class=data.get("size_class", ""),
        industry=data.get("industry", ""),
        idempotency_key=key,
        # The box ticked accepts the version the page showed; unticked, nothing is accepted.
        consent_version=data.get("notice_version") if data.get("consent") else None,
        online_user=user,
    )


def _render(request: HttpRequest, form: IntakeForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "catalogue": catalogue_groups(form["catalogue_items"]),
        "notice": privacy_notice.current(),
    }
    return render(request, "casemgmt/public/intake.html", context, status=status)


@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, IntakeForm())
    try:
        hit_request(intake_limit(), request)
    except RateLimited as refusal:
        return public_access.too_many(request, refusal)
    form = IntakeForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    try:
        submitted = _intake_request(form, request.headers.get(IDEMPOTENCY_HEADER), request.user)
        case = submit_case(submitted, actor=None)
    except ServiceError as refusal:
        outdated = any(e.field == "consent" and e.code == "outdated" for e in refusal.fields)
        if isinstance(refusal, Conflict) or outdated:
            data = request.POST.copy()
            if isinstance(refusal, Conflict):
                # The key belongs to an earlier, different request: say so, and give the form a
                # fresh key so that submitting this request on purpose remains possible.
                data["idempotency_key"] = uuid.uuid4().hex
            if outdated:
                # Accepted an older notice: the page shows the current one, to be accepted anew.
                data.pop("consent", None)
            form = IntakeForm(data)
            form.is_valid()
        form.add_service_errors(refusal)
        return _render(request, form, status=refusal.status)
    # Whoever just submitted the request knows its phone: let them see its status straight away.
    public_access.remember(request, case.case_no, form.cleaned_data["contact_phone"])
    return redirect("public-receipt", case_no=case.case_no)


@require_http_methods(["GET"])
def receipt(request: HttpRequest, case_no: str) -> HttpResponse:
    proof = public_access.verified(request, case_no)
    case = find_case_for_enterprise(case_no, proof.phone) if proof else None
    if case is None:
        return redirect(f"{reverse('public-lookup')}?{urlencode({'case_no': case_no})}")
    return render(request, "casemgmt/public/receipt.html", {"case": case, "notice": privacy_notice.current()})
