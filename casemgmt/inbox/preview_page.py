"""流程预测 (path preview) on the task page: the task form posted as it stands, answered with the
partial that lists the next steps (workflows/path_preview.py). Nothing is saved.

A half-filled form is what a preview is for, so the form's own errors (a number not yet a
number) leave that field out instead of refusing the preview."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from casemgmt.inbox import schema_form
from casemgmt.inbox.rows import group_label, units_info
from casemgmt.inbox.task_page import task_or_404
from core.errors import ServiceError
from core.http.page_errors import page_message, raise_for_refusal
from workflows import human_tasks, path_preview

TEMPLATE = "casemgmt/task_preview.html"


@dataclass(frozen=True)
class ShownStep:
    step: path_preview.NextStep
    who: list[str]  # the candidates as people read them: role · org unit, or a person's name


def _shown(preview: path_preview.Preview) -> list[ShownStep]:
    """Labels for every candidate of the preview: one query for the org units, one for people."""
    candidates = [c for step in preview.steps for c in step.candidates]
    units = units_info(c.org_unit_code for c in candidates if c.group)
    usernames = {c.user for c in candidates if c.user}
    names = {
        user.username: user.get_full_name() or user.username
        for user in User.objects.filter(username__in=usernames)
    }
    return [
        ShownStep(
            step,
            [group_label(c.group, units) if c.group else names.get(c.user, c.user) for c in step.candidates],
        )
        for step in preview.steps
    ]


@login_required
@require_POST
def task_preview(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    schema = human_tasks.form_schema(task, task.instance.version)
    data, _field_errors = schema_form.parse_submission(schema, request.POST)
    context: dict[str, object] = {"task": task}
    try:
        preview = path_preview.preview_task(task.pk, actor=request.user, data=data)
    except ServiceError as exc:
        raise_for_refusal(exc)
        # A task closed or a case suspended since the page was drawn: said where the preview
        # would be. With 200, as htmx swaps no error response into the page.
        context["preview_error"] = page_message(exc)
        return render(request, TEMPLATE, context)
    context.update(preview=preview, steps=_shown(preview))
    return render(request, TEMPLATE, context)
