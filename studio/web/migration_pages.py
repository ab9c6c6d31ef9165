"""Batch migration in the studio: choose the open instances of older versions (by version, status
and current step), rehearse their moves, start the batch, and follow it (studio/batches.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.http.htmx import is_htmx
from core.http.page_errors import page_errors, raise_for_refusal
from workflows.models import HumanTask, InstanceStatus

from .. import batches
from ..models import MigrationItem
from .views import require_admin


def _numbers(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 9]


def _selection(request: HttpRequest) -> batches.Selection:
    data = request.POST if request.method == "POST" else request.GET
    statuses = tuple(s for s in data.getlist("status") if s in batches.MOVABLE)
    return batches.Selection(
        versions=tuple(_numbers(data.getlist("from"))),
        statuses=statuses or batches.Selection().statuses,
        activity=data.get("activity", "")[:200],
    )


def _open_steps(instance_ids: list[int]) -> dict[int, list[str]]:
    steps: dict[int, list[str]] = {}
    for row in HumanTask.objects.filter(instance_id__in=instance_ids, status=HumanTask.Status.OPEN).values(
        "instance_id", "title"
    ):
        steps.setdefault(row["instance_id"], []).append(row["title"])
    return steps


def _page(
    request: HttpRequest, key: str, rehearsals: list[Any] | None = None, status: int = 200
) -> HttpResponse:
    try:
        selection = _selection(request)
        found = batches.candidates(key, selection, actor=request.user)
        model, newest = batches.model_and_newest(key)
    except ServiceError as exc:
        raise_for_refusal(exc)
        raise
    steps = _open_steps([instance.pk for instance in found])
    rehearsed = {r.instance_id: r for r in rehearsals or []}
    activities = (
        HumanTask.objects.filter(
            instance__version__process_model=model,
            instance__version__number__lt=newest.number,
            status=HumanTask.Status.OPEN,
        )
        .values_list("task_spec", "title")
        .distinct()
        .order_by("task_spec")[:200]
    )
    context = {
        "model": model,
        "newest": newest,
        "older": batches.older_versions(key),
        "selection": selection,
        "statuses": [(s, InstanceStatus(s).label) for s in batches.MOVABLE],
        "activities": sorted({spec: title for spec, title in activities}.items()),
        "rows": [
            {
                "instance": instance,
                "steps": steps.get(instance.pk, []),
                "rehearsal": rehearsed.get(instance.pk),
            }
            for instance in found
        ],
        "rehearsals": bool(rehearsed),
        "dry_run_cap": batches.MAX_DRY_RUN,
    }
    return render(request, "studio/migrate.html", context, status=status)


@login_required
def migrate_page(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    return _page(request, key)


@login_required
@require_POST
def dry_run(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    ids = _numbers(request.POST.getlist("instance"))
    try:
        _model, newest = batches.model_and_newest(key)
        found = batches.dry_run(
            ids,
            actor=request.user,
            version_number=newest.number,
            restart_timers="restart_timers" in request.POST,
        )
    except ServiceError as exc:
        raise_for_refusal(exc)
        messages.error(request, page_errors(exc).message)
        return _page(request, key, status=400)
    return _page(request, key, found)


@login_required
@require_POST
def start(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    try:
        _model, newest = batches.model_and_newest(key)
        batch = batches.start(
            key,
            _numbers(request.POST.getlist("instance")),
            actor=request.user,
            version_number=newest.number,
            reason=request.POST.get("reason", ""),
            restart_timers="restart_timers" in request.POST,
        )
    except ServiceError as exc:
        raise_for_refusal(exc)
        found = page_errors(exc)
        messages.error(request, "；".join([found.message, *found.details]))
        return _page(request, key, status=400)
    messages.success(request, _("The migration started: it runs in the background."))
    return redirect("studio-batch", pk=batch.pk)


@login_required
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request)
    try:
        batch = batches.get(pk, actor=request.user)
    except ServiceError as exc:
        raise_for_refusal(exc, (403, 404))
        raise Http404 from None
    progress = batches.progress(batch)
    context = {
        "batch": batch,
        "progress": progress,
        "count_rows": [
            (value, label, progress["counts"][value]) for value, label in MigrationItem.Status.choices
        ],
        "items": batch.items.select_related("instance").order_by("id")[: batches.MAX_BATCH],
    }
    template = "studio/_batch_progress.html" if is_htmx(request) else "studio/batch.html"
    return render(request, template, context)


@login_required
@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request)
    try:
        batches.resume(pk, actor=request.user)
    except ServiceError as exc:
        raise_for_refusal(exc, (403, 404))
        raise Http404 from None
    messages.info(
        request, _("The migration job was queued again; it carries on with the instances still waiting.")
    )
    return redirect("studio-batch", pk=pk)
