"""The task inbox page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from workflows.api.queries import tasks_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("inbox")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    tasks = tasks_for(request.user, {"view": "inbox"})[:50]
    return render(request, "casemgmt/inbox.html", {"tasks": tasks})
