"""Audit review pages for auditors (read-only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..models import AuditEvent
from ..permissions import VIEW_EVENTS


@login_required
def review(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_EVENTS):
        raise PermissionDenied
    events = AuditEvent.objects.order_by("-id")[:100]
    return render(request, "audit/review.html", {"events": events})
