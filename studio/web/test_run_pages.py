"""Starting a test run from a model's page (studio/trial_runs.py): the admin lands on its first
task, or on the instance when it has none."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.http.page_errors import page_errors, raise_for_refusal

from .. import trial_runs
from .views import require_admin


@login_required
@require_POST
def start(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    raw = request.POST.get("version", "")
    number = int(raw) if raw.isdigit() and len(raw) < 9 else None
    try:
        instance = trial_runs.start(key, number, actor=request.user)
    except ServiceError as exc:
        raise_for_refusal(exc)
        messages.error(request, "；".join([page_errors(exc).message, *page_errors(exc).details]))
        return redirect("studio-model", key=key)
    messages.success(
        request,
        _("Test run #%(n)s started: its tasks are yours, in every lane; it counts nowhere.")
        % {"n": instance.pk},
    )
    task = trial_runs.next_task(instance)
    if task is not None:
        return redirect("task-detail-page", pk=task.pk)
    return redirect("instance-admin-detail", pk=instance.pk)
