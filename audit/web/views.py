"""Audit review pages for auditors and process admins.

Read-only: the only POST is "verify now", which re-checks the chain and appends one
`ChainVerification` row; no page changes an audit event.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.masking import mask_payload

from ..api.filters import case_condition
from ..chain import GENESIS_HASH, event_hash
from ..models import AuditEvent, ChainVerification
from ..permissions import VIEW_EVENTS
from ..verify import latest_verification, verify_chain
from . import actors
from .changes import lines_for
from .forms import EventFilterForm, filtered_events

PAGE_SIZE = 50
TIMELINE_PAGE_SIZE = 100
# Broken events linked from the verification panel; the command lists up to 1000.
BROKEN_SHOWN = 100
# The list never shows the payloads; on a busy log they are most of each row's bytes.
_LIST_DEFERRED = ("before", "after")


def require_viewer(request: HttpRequest) -> None:
    # Checked before any parameter is looked at, so a refused user learns nothing from errors.
    if not request.user.has_perm(VIEW_EVENTS):
        raise PermissionDenied


def filter_form(request: HttpRequest) -> tuple[EventFilterForm, QuerySet[AuditEvent] | None]:
    """The bound filter form and, when it is valid, the matching events newest first."""
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, filtered_events(form).order_by("-id")


def render_review(
    request: HttpRequest,
    form: EventFilterForm,
    page: Page | None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    query = form.query_string()
    # The people of the page in words: their accounts come with the events, their units in one query.
    shown = list(page.object_list) if page is not None else []
    people = actors.describe(shown)
    context = {
        "form": form,
        "page": page,
        "rows": [{"event": event, "actor": people[event.pk]} for event in shown],
        "query": query,
        "filtered": bool(query),
        **verification_context(latest_verification()),
        **(extra or {}),
    }
    return render(request, "audit/review.html", context, status=status)


def verification_context(verification: ChainVerification | None) -> dict[str, Any]:
    """The verification panel's values: the run and the broken events it links to."""
    ids = (verification.broken_event_ids or []) if verification is not None else []
    count = (verification.broken_count or 0) if verification is not None else 0
    shown = ids[:BROKEN_SHOWN]
    return {"verification": verification, "broken_shown": shown, "broken_unshown": max(count - len(shown), 0)}


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    require_viewer(request)
    form, events = filter_form(request)
    if events is None:
        # Errors are shown beside the fields; no results rather than unfiltered ones.
        return render_review(request, form, None)
    paginator = Paginator(events.defer(*_LIST_DEFERRED).select_related("actor"), PAGE_SIZE)
    return render_review(request, form, paginator.get_page(request.GET.get("page")))


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_viewer(request)
    # The actor's current account, to show a rename next to the name recorded at the time.
    event = get_object_or_404(AuditEvent.objects.select_related("actor"), pk=pk)
    previous = AuditEvent.objects.filter(id__lt=event.id).order_by("-id").values("id", "hash").first()
    following = AuditEvent.objects.filter(id__gt=event.id).order_by("id").values_list("id", flat=True).first()
    expected_prev = previous["hash"] if previous else GENESIS_HASH
    context = {
        "event": event,
        "actor": actors.describe([event])[event.pk],
        "changes": lines_for([event])[event.pk],
        # Personal values masked (core.masking); the full payloads only in a full export.
        "before_json": _pretty(mask_payload(event.before)),
        "after_json": _pretty(mask_payload(event.after)),
        # A spot check of this one event; the full walk is "verify now" on the review page.
        "content_intact": event_hash(event.prev_hash, event) == event.hash,
        "link_intact": event.prev_hash == expected_prev,
        "previous_id": previous["id"] if previous else None,
        "next_id": following,
        "actor_renamed": event.actor is not None and event.actor.get_username() != event.actor_username,
    }
    return render(request, "audit/event.html", context)


@login_required
@require_GET
def case_timeline(request: HttpRequest, key: str) -> HttpResponse:
    require_viewer(request)
    key = key.strip()
    if not key or "\x00" in key:
        raise Http404
    events = AuditEvent.objects.filter(case_condition(key)).order_by("id")
    page = Paginator(events.select_related("actor"), TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    if page.paginator.count == 0:
        raise Http404
    shown = list(page.object_list)
    people, changes = actors.describe(shown), lines_for(shown)
    entries = [{"event": e, "actor": people[e.pk], "changes": changes[e.pk]} for e in shown]
    # A business key may span several instances (one per cycle) and an id may carry a key.
    cases = list(
        events.order_by("instance_id", "business_key")
        .values_list("instance_id", "business_key")
        .distinct()[:20]
    )
    context = {"key": key, "page": page, "entries": entries, "cases": cases, "query": ""}
    return render(request, "audit/case.html", context)


@login_required
@require_POST
def verify_now(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain now. On a large log this takes a while; it holds no lock."""
    require_viewer(request)
    result = verify_chain()
    if getattr(request, "htmx", False):
        context = {**verification_context(result), "just_checked": True}
        return render(request, "audit/_verification.html", context)
    # Back to the list as it was filtered; re-encoded by the form, so never an arbitrary URL.
    query = EventFilterForm(QueryDict(request.POST.get("query", ""))).query_string()
    return redirect(reverse("audit-review") + (f"?{query}" if query else ""))


def _pretty(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=2)
