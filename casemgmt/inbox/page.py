"""The task inbox page and its in-place task actions (claim, unclaim, reassign).

Reads go through inbox_query (tabs, filters, counts on top of workflows.queries); writes go
through workflows.human_tasks, whose refusals are shown next to the row. Every action answers an
htmx request with the updated row (or the row with the reason it was refused, under the refusal's
HTTP status) and a plain form post with a redirect back to the same inbox view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.inbox.lists import LIST_TABS, list_page
from casemgmt.inbox.paging import inbox_page
from casemgmt.inbox.query import SORTS, TABS, filter_choices, parse, tab_counts
from casemgmt.inbox.rows import Row, build_rows, group_label, units_info
from casemgmt.inbox.saved_filters import saved_filter_panel
from casemgmt.models.saved_filter import FILTER_KEYS
from casemgmt.org.directory import groups_of
from core.errors import ServiceError
from core.http.htmx import is_htmx
from core.http.page_errors import page_errors, raise_for_status
from workflows import human_tasks
from workflows.catalog import task_title
from workflows.models import HumanTask

MAX_REASON = 500
# Column header → the sort key its first click asks for (priority reads best highest first).
SORT_COLUMNS = {"title": "title", "priority": "-priority", "due": "due", "created": "-created"}


def _query_string(params: QueryDict, **changes: Any) -> str:
    """The current filters with some keys replaced (None drops a key); always without `page`
    unless it is one of the changes, since a new tab, sort or filter starts at page one."""
    copy = params.copy()
    copy.pop("page", None)
    for key, value in changes.items():
        copy.pop(key, None)
        if value not in (None, ""):
            copy[key] = str(value)
    return copy.urlencode()


def _known_keys(params: QueryDict, *extra: str) -> QueryDict:
    kept = QueryDict(mutable=True)
    for key in (*FILTER_KEYS, *extra):
        if params.get(key):
            kept[key] = str(params.get(key))
    return kept


def _sort_links(params: QueryDict, current: str) -> dict[str, dict[str, str]]:
    links = {}
    for column, first in SORT_COLUMNS.items():
        ascending, descending = column, f"-{column}"
        state = "asc" if current == ascending else "desc" if current == descending else ""
        target = first if not state else (descending if state == "asc" else ascending)
        links[column] = {"query": _query_string(params, sort=target), "state": state}
    return links


def _tabs(params: QueryDict, active: str, counts: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": label,
            "count": counts[key],
            "active": key == active,
            "query": _query_string(params, tab=None if key == "all" else key),
        }
        for key, label in TABS.items()
    ]


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    query = parse(request.GET)
    if query.tab in LIST_TABS:
        paginator, page, listed = list_page(user, query.tab, request.GET.get("page"), query.per_page)
        tasks: list[HumanTask] = []
    else:
        paginator, page, tasks = inbox_page(user, query, request.GET.get("page"))
        listed = []
    counts = tab_counts(user, query)
    choices = filter_choices(user)
    groups = sorted(groups_of(user))
    # One lookup for every org unit the page names: rows, project choices, group labels.
    codes = {task.instance.org_unit_code for task in tasks} | set(choices.projects)
    codes |= {group.partition("@")[2] for group in groups}
    if query.filters.get("project"):
        codes.add(query.filters["project"])
    units = units_info(codes)
    back = _query_string(request.GET, page=page.number if page.number > 1 else None)
    context = {
        "query": query,
        "filters": query.filters,
        "tabs": _tabs(request.GET, query.tab, counts),
        "rows": build_rows(user, tasks, units),
        "listed": listed,
        "is_list": query.tab in LIST_TABS,
        "page": page,
        "paginator": paginator,
        "page_query": _query_string(request.GET),
        "per_page_choices": (25, 50, 100),
        # "Completed" orderings mean something only on the completed tab.
        "sorts": [
            (key, label)
            for key, (label, _order) in SORTS.items()
            if query.tab == "completed" or "completed" not in key
        ],
        "sort_links": _sort_links(request.GET, query.sort),
        "choices": choices,
        "projects": [(code, units.get(code, (code, ""))[0]) for code in choices.projects],
        "back": back,
        # What "save the current filter" stores: the known filter keys only.
        "current_query": _known_keys(request.GET).urlencode(),
        "saved": saved_filter_panel(user, groups, units),
        "share_groups": [(group, group_label(group, units)) for group in groups],
        "filter_errors": query.errors,
    }
    return render(request, "casemgmt/inbox.html", context)


# ---- task actions -------------------------------------------------------------------------


def _load(pk: int) -> HumanTask | None:
    return (
        HumanTask.objects.select_related("instance__version__process_model", "assignee", "completed_by")
        .filter(pk=pk)
        .first()
    )


def _back(request: HttpRequest) -> str:
    """Where a plain (no-JS) form post returns to: the inbox with the filters it was sent from,
    rebuilt from known keys only so that the redirect can never point anywhere else."""
    kept = _known_keys(QueryDict(request.POST.get("back", "")[:1000]), "page")
    url = reverse("inbox")
    return f"{url}?{kept.urlencode()}" if kept else url


def _row_response(
    request: HttpRequest,
    pk: int,
    *,
    notice: str = "",
    error: str = "",
    field_errors: dict[str, list[str]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    task = _load(pk)
    user = request.user
    if task is None or not user.has_perm("workflows.view_task", task):
        context: dict[str, Any] = {"missing": True, "error": error or _("This task no longer exists.")}
        return render(request, "casemgmt/inbox_row.html", context, status=404 if status == 200 else status)
    row: Row = build_rows(user, [task], units_info({task.instance.org_unit_code}))[0]
    row.notice, row.error = notice, error
    row.field_errors = field_errors or {}
    row.values = values or {}
    back = request.POST.get("back", "")
    # The tab counts go with the row (an out-of-band swap), so no count is stale after an action.
    params = _known_keys(QueryDict(back[:1000]))
    query = parse(params)
    context = {
        "row": row,
        "back": back,
        "tabs": _tabs(params, query.tab, tab_counts(user, query)),
        "oob": True,
    }
    return render(request, "casemgmt/inbox_row.html", context, status=status)


def _refused(
    request: HttpRequest,
    pk: int,
    message: str,
    status: int,
    field_errors: dict[str, list[str]] | None = None,
    values: dict[str, str] | None = None,
) -> HttpResponse:
    if is_htmx(request):
        return _row_response(
            request, pk, error=message, field_errors=field_errors, values=values, status=status
        )
    raise_for_status(status, message)
    details = [m for messages_ in (field_errors or {}).values() for m in messages_]
    messages.error(request, " ".join([message, *details]))
    return redirect(_back(request))


def _service_refusal(
    request: HttpRequest, pk: int, exc: ServiceError, values: dict[str, str]
) -> HttpResponse:
    refusal = page_errors(exc, request.LANGUAGE_CODE)
    return _refused(request, pk, refusal.message, exc.status, refusal.fields, values)


def _act(
    request: HttpRequest,
    pk: int,
    run: Callable[[], HumanTask],
    done: Callable[[HumanTask], str],
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    task = _load(pk)
    # A task outside the user's sight answers as if it did not exist: no hint that it does.
    if task is None or not request.user.has_perm("workflows.view_task", task):
        return _refused(request, pk, _("This task does not exist or is not visible to you."), 404)
    if errors:
        return _refused(request, pk, _("The task was not reassigned."), 400, errors, values)
    try:
        changed = run()
    except ServiceError as exc:
        return _service_refusal(request, pk, exc, values or {})
    if is_htmx(request):
        return _row_response(request, pk, notice=done(changed))
    messages.success(request, done(changed))
    return redirect(_back(request))


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: human_tasks.claim(pk, actor=request.user),
        lambda task: _("You claimed “%(title)s”.") % {"title": task_title(task)},
    )


@login_required
@require_POST
def unclaim(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: human_tasks.unclaim(pk, actor=request.user),
        lambda task: _("“%(title)s” is back in the group's queue.") % {"title": task_title(task)},
    )


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    username = request.POST.get("assignee", "").strip()
    reason = request.POST.get("reason", "").strip()
    values = {"assignee": username, "reason": reason}
    errors: dict[str, list[str]] = {}
    if not username or len(username) > 150 or "\x00" in username:
        errors["assignee"] = [_("Choose a colleague to hand the task to.")]
    if not reason:
        errors["reason"] = [_("Give a reason for the reassignment.")]
    elif len(reason) > MAX_REASON or "\x00" in reason:
        errors["reason"] = [_("The reason must be at most %(n)d characters.") % {"n": MAX_REASON}]

    def done(task: HumanTask) -> str:
        name = (task.assignee.get_full_name() or task.assignee.get_username()) if task.assignee else ""
        return _("Reassigned to %(name)s.") % {"name": name}

    return _act(
        request,
        pk,
        lambda: human_tasks.assign(
            pk,
            actor=request.user,
            assignee_username=username,
            reason=reason,
        ),
        done,
        values,
        errors,
    )
