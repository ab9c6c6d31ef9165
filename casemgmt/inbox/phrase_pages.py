"""常用语 (saved phrases) page: each person lists, adds, changes and deletes their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ServiceError
from core.http.page_errors import page_message, raise_for_refusal
from workflows import phrases


def _page(request: HttpRequest, error: str = "", draft: str = "", status: int = 200) -> HttpResponse:
    context = {
        "phrases": phrases.phrases_of(request.user),
        "defaults": phrases.DEFAULT_PHRASES,
        "error": error,
        "draft": draft,
        "max_length": phrases.MAX_LENGTH,
    }
    return render(request, "casemgmt/phrases.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def phrase_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    text = request.POST.get("text", "")
    try:
        phrases.add(request.user, text)
    except ServiceError as exc:
        return _page(request, error=page_message(exc), draft=text, status=exc.status)
    messages.success(request, _("Phrase saved."))
    return redirect("phrases")


@login_required
@require_POST
def phrase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        phrases.edit(request.user, pk, request.POST.get("text", ""))
    except ServiceError as exc:
        raise_for_refusal(exc)
        return _page(request, error=page_message(exc), status=exc.status)
    messages.success(request, _("Phrase saved."))
    return redirect("phrases")


@login_required
@require_POST
def phrase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        phrases.remove(request.user, pk)
    except ServiceError as exc:
        raise_for_refusal(exc)
    messages.success(request, _("Phrase deleted."))
    return redirect("phrases")
