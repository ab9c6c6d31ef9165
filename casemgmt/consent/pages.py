"""The privacy notice in full (/privacy/): public, linked from every intake form and the footer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from casemgmt.consent import notice


@require_http_methods(["GET", "HEAD"])
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "casemgmt/consent/privacy.html", {"notice": notice.current()})
