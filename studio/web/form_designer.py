"""The form designer: a draft's JSON Schema form edited as a list of fields, with a live preview
drawn by the task page's own code (casemgmt/inbox/schema_form.py and casemgmt/task_field.html),
so what the admin sees is what the task page will show.

The page posts the whole list each time: an edit (add, remove, move, change of kind) answers the
designer again, the preview answers the preview, and only "save" writes, into the draft, with the
revision the page was loaded at. The mapping is studio/form_design.py; this module only reads the
request and picks what to render.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.inbox import schema_form
from core.errors import NotFound, ServiceError
from core.http.htmx import is_htmx
from core.http.page_errors import in_english, page_errors, raise_for_refusal
from workflows import lookups

from .. import catalog, drafts, form_files
from ..form_design import FormDesign, NotDesignable, build_schema, design_from_post, other_rules
from ..form_fields import INPUTS, KIND_LABELS, FieldSpec, apply_edit, errors_by_input, keep_json, shown_keep
from ..models import ModelDraft
from .views import require_admin


def _revision(post: Any) -> int:
    raw = str(post.get("revision", ""))
    return int(raw) if raw.isdigit() and len(raw) < 9 else 0


def _row(index: int, spec: FieldSpec, errors: dict[str, list[str]]) -> dict[str, Any]:
    prefix = f"f-{index}-"
    return {
        "index": index,
        "spec": spec,
        "prefix": prefix,
        "shows": {group: spec.shows(group) for group in INPUTS},
        "errors": {key[len(prefix) :]: found for key, found in errors.items() if key.startswith(prefix)},
        "keep": keep_json(spec),
        "shown_keep": shown_keep(spec),
    }


def _preview(request: HttpRequest, design: FormDesign) -> dict[str, Any]:
    schema, _errors = build_schema(design)
    # The task page's own fields: lookup pickers search as the admin, as a worker's would.
    return {"preview_fields": schema_form.build_fields(schema, user=request.user)}


def _context(
    request: HttpRequest,
    draft: ModelDraft,
    name: str,
    design: FormDesign,
    *,
    revision: int,
    errors: dict[str, list[str]] | None = None,
    message: str = "",
) -> dict[str, Any]:
    errors = errors or {}
    english = in_english()
    key = draft.process_model.key
    return {
        "row": catalog.model_row(key),
        "draft": draft,
        "name": name,
        "design": design,
        "revision": revision,
        "rows": [_row(index, spec, errors) for index, spec in enumerate(design.fields)],
        "form_errors": errors.get("fields", []),
        "message": message,
        "kinds": list(KIND_LABELS.items()),
        "sources": [(source, lookups.source(source).label) for source in lookups.names()],  # type: ignore[union-attr]
        "other_rules": json.dumps(other_rules(design), ensure_ascii=False, indent=2),
        "problems": [
            p.message if english else (p.message_zh or p.message) for p in form_files.problems_of(draft, name)
        ],
        "designer_url": reverse("studio-form-designer", args=[key, name]),
        "preview_url": reverse("studio-form-preview", args=[key, name]),
        **_preview(request, design),
    }


def _open(request: HttpRequest, key: str, name: str) -> tuple[ModelDraft, str]:
    require_admin(request)
    if catalog.model_row(key) is None:
        raise Http404
    draft = drafts.find(key, actor=request.user)
    try:
        return draft, form_files.form_of(draft, name)
    except NotFound:
        raise Http404 from None


@login_required
def designer(request: HttpRequest, key: str, name: str) -> HttpResponse:
    try:
        draft, text = _open(request, key, name)
    except NotFound:  # no draft: the editor page offers to start one
        return redirect("studio-editor", key=key)
    try:
        base = form_files.design_of(text)
    except (ValueError, NotDesignable):
        return render(request, "studio/form_designer.html", {"row": catalog.model_row(key), "name": name})
    if request.method != "POST":
        return render(
            request,
            "studio/form_designer.html",
            _context(request, draft, name, base, revision=draft.revision),
        )
    design = design_from_post(request.POST, base)
    revision = _revision(request.POST)
    op = str(request.POST.get("op", ""))
    if op != "save":
        design.fields = apply_edit(design.fields, op)
        template = "studio/_form_designer.html" if is_htmx(request) else "studio/form_designer.html"
        return render(request, template, _context(request, draft, name, design, revision=revision))
    try:
        _saved, problems = form_files.save(key, name, design, actor=request.user, revision=revision)
    except ServiceError as exc:
        raise_for_refusal(exc)
        found = page_errors(exc)
        context = _context(
            request, draft, name, design, revision=revision, errors=found.fields, message=found.message
        )
        return render(request, "studio/form_designer.html", context, status=exc.status)
    if problems:
        messages.warning(
            request, _("The form was saved; the draft cannot be deployed until its problems are fixed.")
        )
    else:
        messages.success(request, _("The form was saved to the draft."))
    return redirect("studio-form-designer", key=key, name=name)


@login_required
@require_POST
def preview(request: HttpRequest, key: str, name: str) -> HttpResponse:
    try:
        _draft, text = _open(request, key, name)
        base = form_files.design_of(text)
    except (NotFound, ValueError, NotDesignable):
        raise Http404 from None
    design = design_from_post(request.POST, base)
    schema, errors = build_schema(design)
    context = {
        "preview_fields": schema_form.build_fields(schema, user=request.user),
        "preview_errors": [
            message for found in errors_by_input(errors, in_english()).values() for message in found
        ],
    }
    return render(request, "studio/_form_preview.html", context)


@login_required
@require_POST
def create(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    try:
        _draft, name = form_files.create(
            key, str(request.POST.get("name", ""))[:200], actor=request.user, revision=_revision(request.POST)
        )
    except ServiceError as exc:
        raise_for_refusal(exc)
        messages.error(request, page_errors(exc).message)
        return redirect("studio-editor", key=key)
    messages.success(request, _("The form %(name)s was added to the draft.") % {"name": name})
    return redirect("studio-form-designer", key=key, name=name)
