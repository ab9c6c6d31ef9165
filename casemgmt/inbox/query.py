"""The inbox's read side: tabs, filters, sorting and counts on top of workflows' task views.

workflows.queries decides *which* tasks a tab holds (each tab is one of the API's views, so page
and API always agree); this module only narrows, orders and counts them. Every helper here is one
query whatever the page size, so the page stays within a fixed query budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _

from casemgmt.inbox.lists import LIST_TABS
from casemgmt.inbox.lists import counts as list_counts
from casemgmt.models import OrgUnit
from casemgmt.org.calendar import SHANGHAI
from casemgmt.org.directory import AREA_DEPTH, visible_org_units
from workflows.catalog import human_task_specs, model_choices
from workflows.models import HumanTask
from workflows.queries.task_pages import view_counts
from workflows.queries.tasks import view_tasks

# In the order officials know from OA systems: 待办, 已办, 我发起的, 抄送我的, 已超期; then the
# two halves of 待办. "started" and "copied" list cases, not tasks (casemgmt/inbox/lists.py).
TABS: dict[str, Any] = {
    "all": _("All open"),
    "completed": _("Completed by me"),
    "started": _("Started by me"),
    "copied": _("Copied to me"),
    "overdue": _("Overdue"),
    "mine": _("Assigned to me"),
    "claimable": _("Claimable by my groups"),
}
# The inbox's "all open" tab is the API's default view; the other task tabs share their names.
_VIEW_FOR_TAB = {"all": "inbox", **{tab: tab for tab in TABS if tab not in ("all", *LIST_TABS)}}


def _order(column: str, descending: bool) -> tuple[OrderBy, OrderBy]:
    # Tasks without a due date (or not yet completed) sort last both ways; id breaks ties so that
    # paging is stable.
    expr = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return expr, F("id").desc() if descending else F("id").asc()


# The only orderings a URL can ask for (a whitelist: `sort` never reaches order_by() raw).
SORTS: dict[str, tuple[Any, tuple[OrderBy, ...]]] = {
    "due": (_("Due date, earliest first"), _order("due_at", False)),
    "-due": (_("Due date, latest first"), _order("due_at", True)),
    "-priority": (_("Priority, highest first"), _order("priority", True)),
    "priority": (_("Priority, lowest first"), _order("priority", False)),
    "-created": (_("Newest first"), _order("created_at", True)),
    "created": (_("Oldest first"), _order("created_at", False)),
    "title": (_("Title, A to Z"), _order("title", False)),
    "-title": (_("Title, Z to A"), _order("title", True)),
    "-completed": (_("Completed, newest first"), _order("completed_at", True)),
    "completed": (_("Completed, oldest first"), _order("completed_at", False)),
}
PER_PAGE = (25, 50, 100)


def default_sort(tab: str) -> str:
    return "-completed" if tab == "completed" else "-priority"


class InboxFilterForm(forms.Form):
    """Parses the query string; an invalid field is reported and ignored, never a 500."""

    tab = forms.ChoiceField(choices=list(TABS.items()), required=False)
    process = forms.CharField(max_length=100, required=False)
    project = forms.CharField(max_length=64, required=False)
    office = forms.CharField(max_length=64, required=False)
    stage = forms.CharField(max_length=200, required=False)
    due_after = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    due_before = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    q = forms.CharField(max_length=200, required=False)
    sort = forms.ChoiceField(choices=[(key, label) for key, (label, _o) in SORTS.items()], required=False)
    per_page = forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in PER_PAGE], coerce=int, required=False, empty_value=None
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("due_after"), data.get("due_before")
        if after and before and after > before:
            self.add_error("due_before", _("The end of the due range is before its start."))
        return data


@dataclass
class InboxQuery:
    tab: str = "all"
    sort: str = "-priority"
    per_page: int = PER_PAGE[0]
    filters: dict[str, Any] = field(default_factory=dict)
    # field name → messages, for the fields that were ignored
    errors: dict[str, list[str]] = field(default_factory=dict)


def parse(params: Any) -> InboxQuery:
    form = InboxFilterForm(params)
    form.is_valid()
    data = form.cleaned_data  # holds only the fields that validated
    tab = data.get("tab") or "all"
    filters = {
        key: data[key]
        for key in ("process", "project", "office", "stage", "due_after", "due_before", "q")
        if data.get(key) not in (None, "")
    }
    return InboxQuery(
        tab=tab,
        sort=data.get("sort") or default_sort(tab),
        per_page=data.get("per_page") or PER_PAGE[0],
        filters=filters,
        errors={name: [str(m) for m in messages] for name, messages in form.errors.items()},
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def area_codes(office_code: str) -> QuerySet[OrgUnit, Any]:
    """A subquery: the org unit codes in an office's area (itself and below it)."""
    match = Q(code=office_code)
    path = "parent"
    for _level in range(AREA_DEPTH):
        match |= Q(**{f"{path}__code": office_code})
        path += "__parent"
    return OrgUnit.objects.filter(match).values("code")


def apply_filters(qs: QuerySet[HumanTask], filters: dict[str, Any]) -> QuerySet[HumanTask]:
    if filters.get("process"):
        qs = qs.filter(instance__version__process_model__key=filters["process"])
    if filters.get("project"):
        qs = qs.filter(instance__org_unit_code=filters["project"])
    if filters.get("office"):
        qs = qs.filter(instance__org_unit_code__in=area_codes(filters["office"]))
    if filters.get("stage"):
        qs = qs.filter(task_spec=filters["stage"])
    # Dates are whole days in Shanghai, both ends included.
    if filters.get("due_after"):
        qs = qs.filter(due_at__gte=_local_midnight(filters["due_after"]))
    if filters.get("due_before"):
        qs = qs.filter(due_at__lt=_local_midnight(filters["due_before"] + timedelta(days=1)))
    if filters.get("q"):
        text = filters["q"]
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(instance__business_key__icontains=text)
            | Q(instance__subject__icontains=text)
        )
    return qs


def tab_tasks(user: Any, query: InboxQuery) -> QuerySet[HumanTask]:
    qs = view_tasks(user, _VIEW_FOR_TAB[query.tab])
    return apply_filters(qs, query.filters).order_by(*SORTS[query.sort][1])


def tab_counts(user: Any, query: InboxQuery) -> dict[str, int]:
    """Per tab, how many tasks match the current filters (workflows' view_counts: capped at
    COUNT_CAP + 1 and read from the views' indexes when unfiltered, one aggregate when filtered)."""
    narrow = (lambda tasks: apply_filters(tasks, query.filters)) if query.filters else None
    counts = view_counts(user, narrow)
    return {**{tab: counts[view] for tab, view in _VIEW_FOR_TAB.items()}, **list_counts(user)}


@dataclass
class Choices:
    processes: list[tuple[str, str]]
    offices: list[tuple[str, str]]
    projects: list[str]  # org unit codes; names come with the page's unit lookup
    stages: list[tuple[str, str]]


def filter_choices(user: Any) -> Choices:
    """Options for the filter selects, from the org tree and the deployed diagrams: scanning the
    user's tasks for them would cost as much as the tasks a district-wide group holds."""
    scope = visible_org_units(user)
    operators = OrgUnit.objects.filter(kind=OrgUnit.Kind.OPERATOR)
    if scope is not None:
        operators = operators.filter(code__in=scope)
    return Choices(
        processes=model_choices(),
        offices=list(
            OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("code").values_list("code", "name")
        ),
        projects=sorted(operators.values_list("code", flat=True)),
        stages=sorted(human_task_specs().items(), key=lambda item: item[1]),
    )
