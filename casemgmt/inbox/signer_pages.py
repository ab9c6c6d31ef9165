"""The task page's 加签 / 减签 posts (issue 17): add signers, sign one's added part, remove a
signer. Each calls one service in workflows.added_signers and goes back to a page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.inbox.task_page import task_or_404
from core.errors import ServiceError
from core.http.page_errors import refuse_on_page
from workflows import added_signers


@login_required
@require_POST
def task_add_signers(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    try:
        added_signers.add(
            task.pk,
            actor=request.user,
            mode=request.POST.get("mode", ""),
            signers=request.POST.getlist("signers"),
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as exc:
        refuse_on_page(request, exc)
    else:
        messages.success(request, _("Signers added; they have the task in their inboxes."))
    return redirect("task-detail-page", pk=task.pk)


@login_required
@require_POST
def task_sign(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    try:
        added_signers.sign(
            task.pk,
            actor=request.user,
            approved=request.POST.get("approved") == "true",
            opinion=request.POST.get("opinion", ""),
        )
    except ServiceError as exc:
        refuse_on_page(request, exc)
        return redirect("task-detail-page", pk=task.pk)
    messages.success(request, _("Signed."))
    return redirect("inbox")


@login_required
@require_POST
def task_remove_signer(request: HttpRequest, pk: int) -> HttpResponse:
    """减签: `pk` is the added signer's part; back to the task it was added to."""
    part = task_or_404(request, pk)
    try:
        added_signers.remove(part.pk, actor=request.user)
    except ServiceError as exc:
        refuse_on_page(request, exc)
    else:
        messages.success(request, _("The signer was removed."))
    return redirect("task-detail-page", pk=part.added_to_id or part.pk)
