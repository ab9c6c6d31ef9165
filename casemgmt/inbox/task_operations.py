"""The task page's approval operations (issue 17): 催办 (urge), 退回 (return) and 撤回 (recall).
Each view calls one service and goes back to a page; refusals the page can explain are messages
on it, permission and visibility refusals the site's 403/404 pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.inbox.task_page import task_or_404
from core.errors import ServiceError
from core.http.page_errors import refuse_on_page
from workflows import handover, recall, returns, urging
from workflows.catalog import task_title


@login_required
@require_POST
def task_urge(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    try:
        urging.urge(task.pk, actor=request.user, note=request.POST.get("note", ""))
    except ServiceError as exc:
        refuse_on_page(request, exc)
    else:
        messages.success(request, _("The task's holders have been urged."))
    return redirect("task-detail-page", pk=task.pk)


@login_required
@require_POST
def task_return(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    raw = request.POST.get("target", "")
    try:
        reopened = returns.return_task(
            task.pk,
            actor=request.user,
            target_id=int(raw) if raw.isdigit() else None,
            opinion=request.POST.get("opinion", ""),
        )
    except ServiceError as exc:
        refuse_on_page(request, exc)
        return redirect("task-detail-page", pk=task.pk)
    messages.success(
        request,
        _("Returned to “%(title)s”; it is back with whoever did it.")
        % {"title": task_title(reopened, task.instance.version)},
    )
    return redirect("inbox")


@login_required
@require_POST
def task_recall(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    try:
        reopened = recall.recall(task.pk, actor=request.user)
    except ServiceError as exc:
        refuse_on_page(request, exc)
        return redirect("task-detail-page", pk=task.pk)
    messages.success(
        request,
        _("Recalled: “%(title)s” is yours again.") % {"title": task_title(reopened, task.instance.version)},
    )
    return redirect("task-detail-page", pk=reopened.pk)


@login_required
@require_POST
def task_handover(request: HttpRequest, pk: int) -> HttpResponse:
    """转办 or 委派 (the button pressed: `op`), to the colleague chosen, with a reason."""
    task = task_or_404(request, pk)
    delegating = request.POST.get("op") == "delegate"
    act = handover.delegate if delegating else handover.transfer
    try:
        done = act(
            task.pk, actor=request.user, to=request.POST.get("to", ""), reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        refuse_on_page(request, exc)
        return redirect("task-detail-page", pk=task.pk)
    who = done.assignee.get_full_name() or done.assignee.get_username() if done.assignee else ""
    if delegating:
        messages.success(request, _("Delegated to %(who)s; it comes back to you to complete.") % {"who": who})
    else:
        messages.success(request, _("Transferred to %(who)s.") % {"who": who})
    return redirect("inbox")


@login_required
@require_POST
def task_hand_back(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    try:
        handover.hand_back(task.pk, actor=request.user, opinion=request.POST.get("opinion", ""))
    except ServiceError as exc:
        refuse_on_page(request, exc)
        return redirect("task-detail-page", pk=task.pk)
    messages.success(request, _("Handed back to whoever delegated it."))
    return redirect("inbox")
