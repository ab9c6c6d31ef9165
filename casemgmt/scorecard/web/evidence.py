"""Evidence files: served only here, to those who may see the evaluation; never as public media."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError

from .. import attachments
from ..models import Evidence
from .common import evaluation_or_404, show_error


def _evidence_or_404(request: HttpRequest, pk: int) -> Evidence:
    row = Evidence.objects.select_related("score").filter(pk=pk).first()
    if row is None:
        raise Http404
    evaluation_or_404(request, row.score.evaluation_id)  # 404 outside the user's area
    return row


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    row = _evidence_or_404(request, pk)
    if not row.file:
        return redirect(row.url)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=row.original_name or row.file.name.rsplit("/", 1)[-1],
        content_type=row.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = _evidence_or_404(request, pk)
    evaluation_pk = row.score.evaluation_id
    try:
        attachments.remove_evidence(row.pk, actor=request.user)
    except ServiceError as error:
        show_error(request, error)
    else:
        messages.success(request, _("The evidence was removed."))
    return redirect("scorecard-detail", pk=evaluation_pk)
