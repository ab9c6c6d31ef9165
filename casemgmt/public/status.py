"""Public status lookup (no sign-in): case number + contact phone → where the case stands.

The lookup form is POSTed (the phone never appears in a URL) and every attempt counts against the
address's hourly limit before the case is even looked for, so guessing phones costs as much as
anything else. "No such case" and "wrong phone" get the very same answer. A match is remembered in
the session for that one case (public_access), and the status page shows only what the enterprise
itself gave or may know: the stage, the dates, the matched institution's name, and the dates and
modes of the services it received; never staff notes. At the feedback stage the page carries the
feedback form; while the case is open, a withdrawal form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casemgmt.cases.lookup import find_case_for_enterprise
from casemgmt.cases.online import submit_feedback_online, withdraw_online
from casemgmt.models import CaseStage, ServiceCase
from casemgmt.public import access as public_access
from casemgmt.public.forms import FeedbackForm, LookupForm, WithdrawForm
from casemgmt.public.throttle import RateLimited, hit_request, lookup_limit
from core.errors import ServiceError

PROCESS_STAGES = (
    CaseStage.INTAKE,
    CaseStage.MATCHING,
    CaseStage.FOLLOW_UP,
    CaseStage.FEEDBACK,
    CaseStage.CLOSED,
)


def _no_match() -> str:
    # One message for both "no such case" and "wrong phone": the answer must not tell them apart.
    return _("No case matches this case number and phone number. Check both and try again.")


def _back_to_lookup(case_no: str) -> HttpResponse:
    """Proof missing or expired: the lookup form again, the case number filled in."""
    return redirect(f"{reverse('public-lookup')}?{urlencode({'case_no': case_no})}")


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = LookupForm(initial={"case_no": request.GET.get("case_no", "")[:32]})
        return render(request, "casemgmt/public/lookup.html", {"form": form})
    try:
        hit_request(lookup_limit(), request)
    except RateLimited as refusal:
        return public_access.too_many(request, refusal)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "casemgmt/public/lookup.html", {"form": form}, status=400)
    case = find_case_for_enterprise(form.cleaned_data["case_no"], form.cleaned_data["phone"])
    if case is None:
        public_access.forget(request)
        form.add_error(None, _no_match())
        return render(request, "casemgmt/public/lookup.html", {"form": form}, status=400)
    public_access.remember(request, case.case_no, form.cleaned_data["phone"])
    return redirect("public-status", case_no=case.case_no)


def _verified_case(request: HttpRequest, case_no: str) -> tuple[ServiceCase, str] | None:
    """The case and the phone that proved it, checked again on every request."""
    proof = public_access.verified(request, case_no)
    if proof is None:
        return None
    case = find_case_for_enterprise(case_no, proof.phone)
    return (case, proof.phone) if case is not None else None


def _status_context(case: ServiceCase, **forms: Any) -> dict[str, Any]:
    records = [
        {
            "served_at": record.served_at,
            "mode": record.get_mode_display(),
            "mode_description": record.mode_description,
        }
        for record in case.records.order_by("served_at", "pk")
    ]
    reached = PROCESS_STAGES.index(case.stage) if case.stage in PROCESS_STAGES else -1
    context: dict[str, Any] = {
        "case": case,
        "stage_label": CaseStage(case.stage).label,
        "steps": [
            {"label": stage.label, "done": index < reached, "current": index == reached}
            for index, stage in enumerate(PROCESS_STAGES)
        ],
        "records": records,
        "institution": case.matched_institution.name if case.matched_institution else "",
        "feedback_form": None,
        "withdraw_form": None,
    }
    offered = {"feedback_form": case.stage == CaseStage.FEEDBACK, "withdraw_form": case.is_open}
    blank = {"feedback_form": FeedbackForm, "withdraw_form": WithdrawForm}
    # A refused form whose stage has passed (e.g. feedback sent twice) is not shown again; its
    # reason goes above the page instead, so the refusal still says why.
    context["notices"] = []
    for name, shown in offered.items():
        given = forms.get(name)
        if shown:
            context[name] = given or blank[name]()
        elif given is not None:
            context["notices"].extend(given.non_field_errors())
    return context


@require_http_methods(["GET"])
def status(request: HttpRequest, case_no: str) -> HttpResponse:
    found = _verified_case(request, case_no)
    if found is None:
        return _back_to_lookup(case_no)
    return render(request, "casemgmt/public/status.html", _status_context(found[0]))


@require_POST
def feedback(request: HttpRequest, case_no: str) -> HttpResponse:
    found = _verified_case(request, case_no)
    if found is None:
        return _back_to_lookup(case_no)
    case, phone = found
    form = FeedbackForm(request.POST)
    status_code = 400
    if form.is_valid():
        try:
            submit_feedback_online(case.case_no, phone, form.service_data())
        except ServiceError as refusal:
            form.add_service_errors(refusal)
            status_code = refusal.status
        else:
            messages.success(request, _("Thank you: your feedback has been received."))
            return redirect("public-status", case_no=case.case_no)
    case.refresh_from_db()
    return render(
        request, "casemgmt/public/status.html", _status_context(case, feedback_form=form), status=status_code
    )


@require_POST
def withdraw(request: HttpRequest, case_no: str) -> HttpResponse:
    found = _verified_case(request, case_no)
    if found is None:
        return _back_to_lookup(case_no)
    case, phone = found
    form = WithdrawForm(request.POST)
    status_code = 400
    if form.is_valid():
        try:
            withdraw_online(case.case_no, phone, form.cleaned_data["reason"])
        except ServiceError as refusal:
            form.add_service_errors(refusal)
            status_code = refusal.status
        else:
            messages.success(request, _("Your request has been withdrawn."))
            return redirect("public-status", case_no=case.case_no)
    case.refresh_from_db()
    return render(
        request, "casemgmt/public/status.html", _status_context(case, withdraw_form=form), status=status_code
    )
