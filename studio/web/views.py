"""The studio's pages for process admins: the models with their versions, upload (validate or
deploy), download of a version, and whether a model takes new instances."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.http.htmx import is_htmx
from core.http.page_errors import in_english, page_errors, raise_for_refusal
from workflows import deploy
from workflows.models import InstanceStatus, ProcessModelVersion
from workflows.problems import DiagramInvalid

from .. import archive, availability, catalog
from ..uploads import Upload, read_uploads


def require_admin(request: HttpRequest) -> None:
    if not request.user.has_perm("workflows.deploy_model"):
        raise PermissionDenied


def _models_page(
    request: HttpRequest, result: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "rows": catalog.model_rows(),
        "open_statuses": [(status, InstanceStatus(status).label) for status in catalog.SHOWN_STATUSES],
        "result": result,
    }
    if is_htmx(request):
        # htmx swaps only 2xx answers: the refusal is the panel's content, not an HTTP error.
        return render(request, "studio/upload_result.html", context)
    return render(request, "studio/models.html", context, status=status)


@login_required
def models(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    return _models_page(request)


def _problems(error: DiagramInvalid, english: bool) -> list[dict[str, Any]]:
    return [
        {
            "file": p.file,
            "line": p.line,
            "element_id": p.element_id,
            "message": p.message if english else (p.message_zh or p.message),
        }
        for p in error.problems
    ]


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Validate (the `validate` button) or deploy the uploaded files; what went wrong is shown
    on the page, all of it at once, and nothing is deployed."""
    require_admin(request)
    validate_only = "validate" in request.POST
    english = in_english(getattr(request, "LANGUAGE_CODE", None))
    try:
        files = read_uploads(Upload(f.name or "", f.size or 0, f) for f in request.FILES.getlist("files"))
        outcome = deploy.deploy(
            files,
            actor=request.user,
            model_key=request.POST.get("model_key", "").strip() or None,
            validate_only=validate_only,
            note=request.POST.get("note", ""),
            via="upload",
        )
    except DiagramInvalid as exc:
        result = {"ok": False, "message": page_errors(exc).message, "problems": _problems(exc, english)}
        return _models_page(request, result, 400)
    except ServiceError as exc:
        raise_for_refusal(exc)
        found = page_errors(exc)
        return _models_page(request, {"ok": False, "message": found.message, "details": found.details}, 400)
    if outcome.version is None:
        result = {"ok": True, "validated": True, "model_key": outcome.model_key, "hash": outcome.content_hash}
        return _models_page(request, result)
    version = outcome.version
    if outcome.created:
        messages.success(
            request, _("%(key)s version %(n)s deployed.") % {"key": outcome.model_key, "n": version.number}
        )
    else:
        messages.info(
            request,
            _("These files are already version %(n)s of %(key)s: nothing new was deployed.")
            % {"key": outcome.model_key, "n": version.number},
        )
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("studio-models")
        return response
    return redirect("studio-models")


def _version_or_404(key: str, number: int) -> ProcessModelVersion:
    version = (
        ProcessModelVersion.objects.select_related("process_model")
        .filter(process_model__key=key, number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version


@login_required
def download(request: HttpRequest, key: str, number: int) -> HttpResponse:
    require_admin(request)
    version = _version_or_404(key, number)
    response = HttpResponse(archive.version_zip(version), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.file_name(version)}"'
    return response


@login_required
@require_POST
def set_availability(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    enable = request.POST.get("enabled") == "1"
    try:
        model = availability.set_enabled(
            key, enable, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        raise_for_refusal(exc)
        messages.error(request, "；".join([page_errors(exc).message, *page_errors(exc).details]))
        return redirect("studio-models")
    done = _("%(key)s takes new instances again.") if model.enabled else _("%(key)s takes no new instances.")
    messages.success(request, done % {"key": model.key})
    return redirect("studio-models")
