"""The API's list filters: query-string parameters checked and turned into the read side's queries
(workflows/queries), which decide what a user sees."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.errors import FieldError, InvalidInput
from core.http.query_params import bounded_int, choice

from ..models import HumanTask, InstanceStatus
from ..queries.instances import InstanceFilter
from ..queries.tasks import TASK_VIEWS, view_tasks


def bad_filter(field: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"Invalid filter {field}: {en}",
        f"筛选条件 {field} 有误：{zh}",
        fields=[FieldError(field, "invalid", zh, en)],
    )


def parse_when(params: Any, name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
        if value is not None:
            value = value if timezone.is_aware(value) else timezone.make_aware(value)
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, and year 1 in +08:00 is before
            # year 1 in UTC (the conversion overflows here rather than in the query).
            value = value.astimezone(UTC)
    except (ValueError, OverflowError):  # well-formed but impossible, e.g. month 13
        value = None
    if value is None:
        raise bad_filter(name, "不是有效的日期时间（ISO 8601）", "not an ISO 8601 date-time")
    return value


def parse_int(params: Any, name: str) -> int | None:
    """An id filter: a positive integer that fits the database's bigint."""
    return bounded_int(params, name)


def instance_filter(params: Any, user: Any = None) -> InstanceFilter:
    """The instance list's query string, checked: a bad value is a 400 naming the parameter.
    `mine=1`: the ones `user` started (我发起的)."""
    mine = choice(params, "mine", ["0", "1"]) == "1"
    return InstanceFilter(
        model=params.get("model") or "",
        version=parse_int(params, "version"),
        status=choice(params, "status", InstanceStatus.values) or "",
        business_key=params.get("business_key") or "",
        org_unit=params.get("org_unit") or "",
        q=params.get("q") or "",
        test=choice(params, "test", ["0", "1"]) == "1",
        started_after=parse_when(params, "started_after"),
        started_before=parse_when(params, "started_before"),
        started_by=getattr(user, "pk", None) if mine else None,
    )


def tasks_for(user: Any, params: Any) -> QuerySet[HumanTask]:
    """The API's task list before paging: a view (tasks.held) narrowed by the query string."""
    qs = view_tasks(user, choice(params, "view", TASK_VIEWS) or "inbox")
    if params.get("process"):
        qs = qs.filter(instance__version__process_model__key=params["process"])
    if params.get("task_spec"):
        qs = qs.filter(task_spec=params["task_spec"])
    instance = parse_int(params, "instance")
    if instance is not None:
        qs = qs.filter(instance_id=instance)
    due_before, due_after = parse_when(params, "due_before"), parse_when(params, "due_after")
    if due_before:
        qs = qs.filter(due_at__lt=due_before)
    if due_after:
        qs = qs.filter(due_at__gte=due_after)
    if params.get("q"):
        qs = qs.filter(Q(title__icontains=params["q"]) | Q(instance__business_key__icontains=params["q"]))
    return qs
