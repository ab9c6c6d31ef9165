"""Read-side queries for the API: scoped to what the user may see, filtered, and index-friendly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.errors import FieldError, InvalidInput
from core.http.query_params import bounded_int, choice

from .. import registry
from ..models import HumanTask, InstanceStatus, ProcessInstance

TASK_VIEWS = ("inbox", "mine", "claimable", "overdue", "completed")


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


def visible_instances(user: Any) -> QuerySet[ProcessInstance]:
    qs = ProcessInstance.objects.select_related("version__process_model", "started_by")
    if user.has_perm("workflows.manage_instance") or user.has_perm("audit.view_events"):
        return qs
    scope = registry.directory().visible_org_units(user)
    if scope is None:
        return qs
    groups = registry.directory().groups_of(user)
    touched = HumanTask.objects.filter(Q(candidate_group__in=groups) | Q(assignee_id=user.pk)).values(
        "instance_id"
    )
    return qs.filter(Q(org_unit_code__in=scope) | Q(pk__in=touched))


def filter_instances(qs: QuerySet[ProcessInstance], params: Any) -> QuerySet[ProcessInstance]:
    if params.get("model"):
        qs = qs.filter(version__process_model__key=params["model"])
    version = parse_int(params, "version")
    if version is not None:
        qs = qs.filter(version__number=version)
    status = choice(params, "status", InstanceStatus.values)
    if status:
        qs = qs.filter(status=status)
    for param, lookup in (("business_key", "business_key"), ("org_unit", "org_unit_code")):
        if params.get(param):
            qs = qs.filter(**{lookup: params[param]})
    if params.get("q"):
        qs = qs.filter(Q(subject__icontains=params["q"]) | Q(business_key__icontains=params["q"]))
    since, until = parse_when(params, "started_after"), parse_when(params, "started_before")
    if since:
        qs = qs.filter(started_at__gte=since)
    if until:
        qs = qs.filter(started_at__lt=until)
    return qs.order_by("-id")


def tasks_for(user: Any, params: Any) -> QuerySet[HumanTask]:
    view = choice(params, "view", TASK_VIEWS) or "inbox"
    qs = HumanTask.objects.select_related("assignee", "completed_by", "instance__version__process_model")
    groups = list(registry.directory().groups_of(user))
    open_ = qs.filter(status=HumanTask.Status.OPEN)
    if view == "mine":
        qs = open_.filter(assignee_id=user.pk)
    elif view == "claimable":
        qs = open_.filter(assignee__isnull=True, candidate_group__in=groups)
    elif view == "overdue":
        qs = open_.filter(
            Q(assignee_id=user.pk) | Q(assignee__isnull=True, candidate_group__in=groups)
        ).filter(due_at__lt=timezone.now())
    elif view == "completed":
        qs = qs.filter(completed_by_id=user.pk).order_by("-completed_at", "-id")
    else:
        qs = open_.filter(Q(assignee_id=user.pk) | Q(assignee__isnull=True, candidate_group__in=groups))
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
    if view != "completed":
        qs = qs.order_by("-priority", "id")
    return qs
