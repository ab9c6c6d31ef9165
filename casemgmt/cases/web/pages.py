"""Staff pages for service cases: the list, the case, its receipt, withdrawal and cancellation.

Seeing follows cases.view_case (operators their project's cases, offices their area's,
enterprise users their own, the district all); a case the user may not see answers 404. Work
on a case happens on the task page, linked from here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.access import record_view
from casemgmt.cases import lifecycle, presentation
from casemgmt.cases.queries import parse_filters, visible_cases
from casemgmt.consent import notice as privacy_notice
from casemgmt.consent import records as consent_records
from casemgmt.models import CaseStage, EnterpriseChangeProposal, ServiceCase, ServiceProject
from casemgmt.reveal import fields as personal
from core.errors import ServiceError
from core.http.page_errors import page_errors
from workflows.approval_record import Step, steps_of
from workflows.diagram_payload import payload as diagram_payload
from workflows.models import OPEN_STATUSES, ProcessInstance
from workflows.task_view import elements_done, main_diagram

PAGE_SIZE = 50


def visible_case(request: HttpRequest, pk: int) -> ServiceCase:
    case = (
        ServiceCase.objects.select_related(
            "project__operator", "project__coordinating_office", "enterprise__org_unit", "instance"
        )
        .select_related("matched_institution", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if case is None or not request.user.has_perm("cases.view_case", case):
        raise Http404
    return case


@login_required
@require_http_methods(["GET", "HEAD"])
def case_list(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request.GET)
    cases = filters.apply(visible_cases(request.user))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    project_codes = visible_cases(request.user).values("project_id")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "stages": CaseStage.choices,
        "projects": ServiceProject.objects.filter(pk__in=project_codes).order_by("code"),
        "query": query.urlencode(),
        "can_submit": request.user.has_perm("cases.submit_case", None),
    }
    return render(request, "casemgmt/cases/list.html", context)


def _detail_context(request: HttpRequest, case: ServiceCase, **extra: object) -> dict[str, object]:
    user = request.user
    language = get_language() or "zh-hans"
    # The same field table as the API (presentation.CASE_FIELDS): an enterprise user sees no
    # staff notes, tasks or staff names.
    who = presentation.audience(user, case)
    show = dict.fromkeys(presentation.shown(presentation.CASE_FIELDS, who), True)
    show.update({f"record_{name}": True for name in presentation.shown(presentation.RECORD_FIELDS, who)})
    # Staff only, like the open tasks: the record names staff and their opinions, and the diagram
    # says who ran each step.
    instance = case.instance if show.get("open_tasks") else None
    record = steps_of(instance) if instance is not None else []
    return {
        "case": case,
        "show": show,
        # Masked for staff, with the reveal control; the enterprise's own user sees its own in full.
        "personal": personal.shown(user, personal.CASE, case, own=who == presentation.ENTERPRISE),
        "steps": presentation.progress(case),
        "items": presentation.items(case, language),
        "records": presentation.records(case),
        "effects": presentation.effect_labels(case),
        "amounts": presentation.amounts(case),
        "tasks": presentation.open_tasks(case) if show.get("open_tasks") else [],
        "record": record,
        "diagram": _diagram(instance, record) if instance is not None else None,
        "candidates": (
            presentation.candidate_institutions(case)
            if show.get("candidate_institutions") and case.stage == CaseStage.MATCHING
            else []
        ),
        "timeline": presentation.timeline(case, who),
        "ended": case.stage in (CaseStage.WITHDRAWN, CaseStage.CANCELLED),
        # The process was ended elsewhere (board, instance administration) while the case is open.
        "orphaned": case.is_open and case.instance is not None and case.instance.status not in OPEN_STATUSES,
        "can_withdraw": case.is_open and user.has_perm("cases.withdraw_case", case),
        "can_cancel": case.is_open and user.has_perm("cases.cancel_case", case),
        "reason_errors": {},
        "proposal": _pending_proposal(user, case),
        # Staff see what the enterprise consented to (notice version, when, how).
        "consent": consent_records.for_case(case) if who == presentation.STAFF else None,
        **extra,
    }


def _diagram(instance: ProcessInstance, record: list[Step]) -> dict[str, Any] | None:
    return diagram_payload(main_diagram(instance.version), record, elements_done(instance))


def _pending_proposal(user: Any, case: ServiceCase) -> EnterpriseChangeProposal | None:
    """The enterprise details this case's applicant typed that differ from the registry, still
    awaiting a decision: staff see them here and decide on the enterprise's page."""
    if not user.has_perm("cases.view_case_internals", case):
        return None
    return (
        EnterpriseChangeProposal.objects.filter(case=case, status=EnterpriseChangeProposal.Status.PENDING)
        .select_related("enterprise")
        .first()
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    context = _detail_context(request, case)
    record_view(request, "case", case.pk)
    return render(request, "casemgmt/cases/detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def case_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    who = presentation.audience(request.user, case)
    context = {
        "case": case,
        "personal": personal.shown(request.user, personal.CASE, case, own=who == presentation.ENTERPRISE),
        "items": presentation.items(case, get_language() or "zh-hans"),
        "can_submit": request.user.has_perm("cases.submit_case", None),
        "notice": privacy_notice.current(),
    }
    record_view(request, "case_receipt", case.pk)
    return render(request, "casemgmt/cases/receipt.html", context)


def _end(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = visible_case(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "withdraw":
            lifecycle.withdraw_case(case.pk, actor=request.user, reason=reason)
            messages.success(request, _("The case was withdrawn."))
        else:
            lifecycle.cancel_case(case.pk, actor=request.user, reason=reason)
            messages.success(request, _("The case was cancelled."))
    except ServiceError as exc:
        case.refresh_from_db()
        refusal = page_errors(exc)
        context = _detail_context(
            request,
            case,
            form_error=refusal.message,
            reason_errors={action: refusal.details},
            submitted_reason={action: reason},
        )
        return render(request, "casemgmt/cases/detail.html", context, status=exc.status)
    return redirect("cases-detail", pk=case.pk)


@login_required
@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, "withdraw")


@login_required
@require_POST
def case_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, "cancel")
