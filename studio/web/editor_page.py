"""The editor page: bpmn-js Modeler and its properties panel on the model's draft (the bundle
built from frontend/editor), with what the panel offers: roles, handlers and the page's labels.
The page starts the draft (POST) and discards it; saving goes through the draft API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotFound, ServiceError
from core.http.page_errors import page_errors, raise_for_refusal
from workflows import registry

from .. import catalog, drafts
from ..api.decisions import tables_payload
from ..api.views import draft_payload
from .editor_labels import bpmn_labels, status_labels
from .views import require_admin


def _handlers() -> list[dict[str, Any]]:
    found = []
    for name, info in registry.handler_catalog():
        params = info.params if info else ()
        found.append(
            {
                "name": name,
                "label": f"{info.label} ({name})" if info else name,
                "description": str(info.description) if info else "",
                "params": [
                    {"name": p.name, "type": p.type, "description": str(p.description)} for p in params
                ],
            }
        )
    return found


def _config(key: str, draft_data: dict[str, Any]) -> dict[str, Any]:
    return {
        "draft": draft_data,
        "draft_url": reverse("process-model-draft", args=[key]),
        "decision_url": reverse("process-model-draft-decision-try", args=[key]),
        "decisions": tables_payload(draft_data["files"]),
        "language": get_language() or "zh-hans",
        "roles": [
            {"value": lane, "label": f"{lane} · {label}" if lane != label else lane}
            for lane, label in registry.lane_resolver().lane_choices()
        ],
        "handlers": _handlers(),
        "labels": {
            "bpmn": bpmn_labels(),
            "status": status_labels(),
            "problems": _("Problems that keep this draft from deploying: %(n)s"),
            "no_problems": _("No problems: the draft can be deployed."),
            "failed": _("The diagram could not be opened."),
            "decisions": {
                "matched": _("Matched rows:"),
                "no_match": _("No row matched: the outputs stay unset."),
                "bad_json": _("The process data is not valid JSON."),
            },
        },
    }


@login_required
def editor(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    row = catalog.model_row(key)
    if row is None:
        raise Http404
    try:
        draft = drafts.find(key, actor=request.user)
    except NotFound:
        return render(request, "studio/editor_start.html", {"row": row})
    return render(
        request,
        "studio/editor.html",
        {
            "row": row,
            "draft": draft,
            "decision_files": drafts.decision_files(draft),
            "config": _config(key, draft_payload(draft)),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    try:
        _draft, created = drafts.start(key, actor=request.user)
    except ServiceError as exc:
        raise_for_refusal(exc)
        messages.error(request, page_errors(exc).message)
        return redirect("studio-model", key=key)
    if not created:
        messages.info(request, _("The model already has a draft: you are editing it together."))
    return redirect("studio-editor", key=key)


@login_required
@require_POST
def discard(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    raw = request.POST.get("revision", "")
    try:
        drafts.discard(key, actor=request.user, revision=int(raw) if raw.isdigit() and len(raw) < 9 else 0)
    except ServiceError as exc:
        raise_for_refusal(exc)
        messages.error(request, page_errors(exc).message)
        return redirect("studio-editor", key=key)
    messages.success(request, _("The draft of %(key)s was discarded.") % {"key": key})
    return redirect("studio-model", key=key)
