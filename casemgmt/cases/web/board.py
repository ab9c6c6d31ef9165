"""The operator board: open cases in my area, one column per stage, with the moves the process allows.

Who sees what (permission casemgmt.view_board, rules in casemgmt/rules.py):
- an operator sees the cases of their operating organization and below, office staff their
  office's area (the same scope as the API's instance list);
- district reviewers, process admins and auditors see every case and narrow it by org unit;
- the auditor's board is read-only: no rule grants an auditor an action, so none is offered;
- enterprise users and users without a membership are refused (403).

A card is one open human task (a case waiting in parallel branches shows in each stage); a case
with no open human task sits in a column named by its status (waiting, error, suspended …).
Every card's actions are decided by the same rules the services enforce: "work on it" when the
user may claim or work the task, suspend/resume/cancel when the status allows it and
workflows.operate_instance grants it. Columns cost a fixed number of queries, whatever their size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casemgmt.models import OrgUnit
from casemgmt.org.directory import visible_org_units
from casemgmt.org.names import display_name
from casemgmt.org.predicates import is_auditor
from workflows.catalog import element_name, model_choices, task_title, title_shown
from workflows.models import OPEN_STATUSES, HumanTask, InstanceStatus, ProcessInstance
from workflows.queries.instances import visible_instances
from workflows.web import actions
from workflows.web.stages import UNREACHED, step_orders

BOARD_ACTIONS = ("suspend", "resume", "terminate")
# Cards per part of the board (tasks; cases without a task). Column totals stay exact beyond it.
CARD_LIMIT = 300
STATUS_COLUMNS = (
    InstanceStatus.RUNNING,
    InstanceStatus.WAITING,
    InstanceStatus.ERROR,
    InstanceStatus.SUSPENDED,
)
# A task of a suspended or failed case cannot be completed, so "work on it" is not offered there.
WORKABLE = frozenset({InstanceStatus.RUNNING, InstanceStatus.WAITING})


@dataclass(frozen=True)
class Offer:
    spec: actions.ActionSpec
    url: str
    label: str


@dataclass
class Card:
    instance: ProcessInstance
    task: HumanTask | None
    work_url: str
    offers: list[Offer]
    overdue: bool
    org_unit_name: str = ""
    error: actions.ActionError | None = None
    # Where the case stopped in an error, by the step's name: what staff are told (the technical
    # detail is the process admins', on the instance page).
    error_step: str = ""


@dataclass
class Column:
    key: str
    title: str
    total: int
    by_status: bool = False
    rank: tuple[int, int] = (UNREACHED, 0)
    cards: list[Card] = field(default_factory=list)


@dataclass
class BoardFilters:
    org_unit: str = ""
    model: str = ""
    q: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _require_board(request: HttpRequest) -> None:
    if not request.user.has_perm("casemgmt.view_board"):
        raise PermissionDenied


def task_page_url(task_pk: int) -> str:
    # The task page belongs to the inbox area; fall back to its documented path if it is renamed.
    try:
        return reverse("task-detail-page", args=[task_pk])
    except NoReverseMatch:
        return f"/tasks/{task_pk}/"


def _units_in_scope(user: Any) -> list[OrgUnit]:
    scope = visible_org_units(user)
    units = OrgUnit.objects.only("code", "name", "name_en", "parent_id").order_by("code")
    return list(units if scope is None else units.filter(code__in=scope))


def _area_of(code: str, units: list[OrgUnit]) -> set[str]:
    """The unit and everything below it, from the units already loaded (no further queries)."""
    children: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    start = [unit for unit in units if unit.code == code]
    area: set[str] = set()
    while start:
        unit = start.pop()
        if unit.code not in area:
            area.add(unit.code)
            start.extend(children[unit.pk])
    return area


def _parse(query: QueryDict, units: list[OrgUnit]) -> BoardFilters:
    chosen = BoardFilters(
        org_unit=query.get("org_unit", "").strip(),
        model=query.get("model", "").strip(),
        q=query.get("q", "").strip(),
    )
    if chosen.org_unit and chosen.org_unit not in {unit.code for unit in units}:
        chosen.errors["org_unit"] = _("Choose an org unit in your area.")
        chosen.org_unit = ""
    return chosen


def _cases(user: Any, chosen: BoardFilters, units: list[OrgUnit]) -> QuerySet[ProcessInstance]:
    cases = visible_instances(user).filter(status__in=OPEN_STATUSES)
    if chosen.org_unit:
        cases = cases.filter(org_unit_code__in=_area_of(chosen.org_unit, units))
    if chosen.model:
        cases = cases.filter(version__process_model__key=chosen.model)
    if chosen.q:
        cases = cases.filter(Q(business_key__icontains=chosen.q) | Q(subject__icontains=chosen.q))
    return cases


def _offers(user: Any, instance: ProcessInstance, query: str) -> list[Offer]:
    # The action URL carries the board's filters, so the answer shows the same board again.
    found = []
    for spec in actions.offered(user, instance, BOARD_ACTIONS):
        url = reverse("board-action", args=[instance.pk, spec.name]) + (f"?{query}" if query else "")
        # Operators speak of cancelling a case; the service and the audit trail call it terminate.
        label = _("Cancel case") if spec.name == "terminate" else str(spec.label)
        found.append(Offer(spec, url, label))
    return found


def _card(user: Any, instance: ProcessInstance, task: HumanTask | None, now: Any, query: str) -> Card:
    work_url = ""
    if (
        task is not None
        and instance.status in WORKABLE
        and (user.has_perm("workflows.work_task", task) or user.has_perm("workflows.claim_task", task))
    ):
        work_url = task_page_url(task.pk)
    return Card(
        instance=instance,
        task=task,
        work_url=work_url,
        offers=_offers(user, instance, query),
        overdue=bool(task is not None and task.due_at is not None and task.due_at < now),
        error_step=element_name(instance.version_id, instance.error_task_spec)
        if instance.status == InstanceStatus.ERROR
        else "",
    )


def build_board(user: Any, query: QueryDict, errors: dict[int, actions.ActionError]) -> dict[str, Any]:
    units = _units_in_scope(user)
    chosen = _parse(query, units)
    cases = _cases(user, chosen, units)
    now = timezone.now()
    querystring = query.urlencode()

    # The state blob and the deployed files are large and not needed for a card.
    open_tasks = HumanTask.objects.filter(status=HumanTask.Status.OPEN, instance__in=cases.values("pk"))
    tasks = list(
        open_tasks.select_related("instance__version__process_model", "assignee")
        .defer("instance__state", "instance__version__files", "instructions")
        .order_by("due_at", "id")[:CARD_LIMIT]
    )
    stage_totals: dict[str, int] = defaultdict(int)
    # A column is a title; it is shown in the reader's language, named by any of its elements.
    stage_titles: dict[str, str] = {}
    by_element = open_tasks.order_by().values_list("title", "task_spec", "instance__version_id")
    for title, spec, version_id, total in by_element.annotate(n=Count("id")):
        stage_totals[title] += total
        stage_titles.setdefault(title, title_shown(version_id, spec, title))
    taskless = cases.filter(
        ~Exists(HumanTask.objects.filter(instance_id=OuterRef("pk"), status=HumanTask.Status.OPEN))
    )
    status_totals = dict(taskless.order_by().values_list("status").annotate(n=Count("id")))
    idle = list(taskless.defer("state", "version__files").order_by("-id")[:CARD_LIMIT])

    orders = step_orders(task.instance.version for task in tasks)
    columns: dict[str, Column] = {}
    for title, total in stage_totals.items():
        columns[f"stage:{title}"] = Column(key=f"stage:{title}", title=stage_titles[title], total=total)
    for task in tasks:
        # setdefault: a task created between the two reads must not break the page.
        key = f"stage:{task.title}"
        shown = task_title(task, task.instance.version)
        column = columns.setdefault(key, Column(key=key, title=shown, total=0))
        rank = orders[task.instance.version_id].get(task.task_spec, (UNREACHED, 0))
        column.rank = min(column.rank, rank)
        column.cards.append(_card(user, task.instance, task, now, querystring))
    stage_columns = sorted(columns.values(), key=lambda c: (c.rank, c.title))

    labels = dict(InstanceStatus.choices)
    status_columns = [
        Column(key=f"status:{s}", title=str(labels[s]), total=status_totals[s], by_status=True)
        for s in STATUS_COLUMNS
        if status_totals.get(s)
    ]
    by_status = {column.key: column for column in status_columns}
    for instance in idle:
        key = f"status:{instance.status}"
        if key not in by_status:
            by_status[key] = Column(key=key, title=str(labels[instance.status]), total=0, by_status=True)
            status_columns.append(by_status[key])
        by_status[key].cards.append(_card(user, instance, None, now, querystring))

    board = stage_columns + status_columns
    names = {unit.code: display_name(unit) for unit in units}
    for column in board:
        column.total = max(column.total, len(column.cards))
        for card in column.cards:
            card.error = errors.get(card.instance.pk)
            card.org_unit_name = names.get(card.instance.org_unit_code, card.instance.org_unit_code)
    return {
        "columns": board,
        "filters": chosen,
        "org_units": units,
        "models": model_choices(),
        "card_count": sum(column.total for column in board),
        "read_only": is_auditor(user),
    }


@login_required
def board(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    context = build_board(request.user, request.GET, {})
    return render(request, "casemgmt/board.html", context)


@login_required
@require_POST
def board_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_board(request)
    if action not in BOARD_ACTIONS:
        raise Http404
    # Cases outside the user's area answer 404, as if they did not exist.
    if not visible_instances(request.user).filter(pk=pk).exists():
        raise Http404
    spec = actions.ACTIONS[action]
    error = actions.run(request, spec, pk)
    if error is None:
        actions.report(request, spec, pk)
        target = reverse("board")
        return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)
    context = build_board(request.user, request.GET, {pk: error})
    return render(request, "casemgmt/board.html", context, status=actions.error_status(request, error))
