"""Four-eyes deployment in the studio: submit the draft for review (from the editor), the change's
page (what changed, coloured on the diagram and listed, and its validation), and the reviewer's
decision. The services are studio/changes.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.http.page_errors import in_english, page_errors, raise_for_refusal
from workflows.deploy import check_files
from workflows.problems import DiagramInvalid

from .. import changes, diagrams, diff
from .model_page import diagram_payload
from .views import require_admin


def _refused(request: HttpRequest, exc: ServiceError) -> None:
    raise_for_refusal(exc)
    found = page_errors(exc)
    if isinstance(exc, DiagramInvalid):
        english = in_english(getattr(request, "LANGUAGE_CODE", None))
        details = [
            f"{p.element_id or p.file}: {p.message if english else (p.message_zh or p.message)}"
            for p in exc.problems
        ]
    else:
        details = list(found.details)
    messages.error(request, "；".join([found.message, *details]))


@login_required
@require_POST
def submit(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    raw = request.POST.get("revision", "")
    try:
        change = changes.submit(
            key,
            actor=request.user,
            revision=int(raw) if raw.isdigit() and len(raw) < 9 else 0,
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        _refused(request, exc)
        return redirect("studio-editor", key=key)
    messages.success(request, _("The change was submitted: another process admin reviews it."))
    return redirect("studio-change", pk=change.pk)


@login_required
def change_page(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request)
    try:
        change = changes.get(pk, actor=request.user)
    except ServiceError as exc:
        raise_for_refusal(exc, (403, 404))
        raise
    base = change.base_version
    found = diff.compare(base.files, change.files)
    drawn = diagrams.diagram_with(change.files, base.main_process_id)
    context = {
        "change": change,
        "changes": found,
        "problems": check_files(change.files, change.process_model.key)[1],
        "diagram": diagram_payload(drawn[1], {}, found) if drawn else None,
        "task": changes.review_task(change, request.user),
        "is_author": change.author_id == request.user.pk,
        "before_label": _("Version %(n)s") % {"n": base.number},
        "after_label": _("This change"),
    }
    return render(request, "studio/change.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request)
    approved = request.POST.get("decision") == "approve"
    try:
        change = changes.decide(
            pk, actor=request.user, approved=approved, comment=request.POST.get("comment", "")
        )
    except ServiceError as exc:
        _refused(request, exc)
        return redirect("studio-change", pk=pk)
    if change.version is not None:
        messages.success(
            request,
            _("Approved: %(key)s version %(n)s deployed.")
            % {"key": change.process_model.key, "n": change.version.number},
        )
    else:
        messages.success(request, _("The change was returned to its author."))
    return redirect("studio-change", pk=pk)
