"""POST /personal/reveal/: one personal value in full, for a reason (casemgmt.reveal.service).

htmx swaps the answer in place of the masked value (a refusal comes back with 200 so that htmx
swaps it too: the control again, open, with the message). Without script the form posts
normally and gets a small page with the value and the way back; a refusal there keeps its
status (400). A record the user may not see is the site's 404, a user who may not reveal 403.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from casemgmt.reveal import fields, service
from core.disclosure import REASON_MAX
from core.errors import ServiceError
from core.http.htmx import is_htmx
from core.http.page_errors import page_errors, raise_for_refusal


@login_required
@require_POST
def reveal(request: HttpRequest) -> HttpResponse:
    post = request.POST
    subject, field = post.get("subject", ""), post.get("field", "")
    try:
        found = service.reveal(
            request.user, subject, post.get("id", ""), field, post.get("reason", ""), request=request
        )
    except ServiceError as refusal:
        raise_for_refusal(refusal)
        errors = page_errors(refusal)
        context = {
            "value": _control(request, subject, post.get("id", ""), field),
            "reveal_error": " ".join([errors.message, *errors.details]),
            "reason": post.get("reason", "")[:REASON_MAX],
            "reason_max": REASON_MAX,
        }
        if is_htmx(request):
            return render(request, "casemgmt/reveal/_value.html", context)
        return render(request, "casemgmt/reveal/refused.html", context, status=refusal.status)
    template = "casemgmt/reveal/_revealed.html" if is_htmx(request) else "casemgmt/reveal/revealed.html"
    return render(request, template, {"revealed": found})


def _control(request: HttpRequest, subject: str, raw_id: str, field: str) -> fields.Shown | None:
    """The masked value and its control again, to show beside the refusal (the record was found
    and may be seen, or the service would have answered 404)."""
    pk = service.record_id(raw_id)
    record = fields.find(subject, pk) if pk is not None and subject in fields.SUBJECTS else None
    if record is None:
        return None
    return fields.shown(request.user, subject, record).get(field)
