"""The decision-table editor page: dmn-js's Modeler on one .dmn file of the model's draft (the
bundle built from frontend/dmn), with the decision-table test beside it. Saving goes through the
draft API, as in the BPMN editor; without a draft the BPMN editor's page offers to start one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language

from core.errors import NotFound

from .. import catalog, drafts
from ..api.decisions import tables_payload
from ..models import ModelDraft
from .editor_labels import decision_editor_labels
from .views import require_admin


def _config(key: str, draft: ModelDraft, name: str) -> dict[str, Any]:
    return {
        "file": name,
        "xml": draft.files[name],
        "revision": draft.revision,
        "problems": [p.as_dict() for p in drafts.problems(draft) if p.file == name],
        "draft_url": reverse("process-model-draft", args=[key]),
        "decision_url": reverse("process-model-draft-decision-try", args=[key]),
        # The test panel offers this file's tables only: the page edits nothing else.
        "decisions": [t for t in tables_payload(draft.files) if t["file"] == name],
        "language": get_language() or "zh-hans",
        "labels": decision_editor_labels(),
    }


@login_required
def decision_editor(request: HttpRequest, key: str, name: str) -> HttpResponse:
    require_admin(request)
    row = catalog.model_row(key)
    if row is None:
        raise Http404
    try:
        draft = drafts.find(key, actor=request.user)
    except NotFound:
        return redirect("studio-editor", key=key)
    if name not in drafts.decision_files(draft):
        raise Http404
    return render(
        request,
        "studio/decision_editor.html",
        {"row": row, "draft": draft, "name": name, "config": _config(key, draft, name)},
    )
