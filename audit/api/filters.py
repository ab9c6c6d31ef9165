"""Turning a query string into `filter_events` arguments, or field errors.

One parser for the API (which answers 400 with the errors) and the review pages (which show them
next to the form), so both accept exactly the same values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import filter_events
from core.errors import FieldError, InvalidInput

TEXT_FILTERS = ("actor", "target_type", "target_id", "business_key")
API_FILTERS = (*TEXT_FILTERS, "action", "instance", "since", "until")
# The pages offer one "case" box (business key or instance id) instead of the two API fields.
PAGE_FILTERS = ("actor", "action", "target_type", "target_id", "case", "since", "until")

_BIGINT_LIMIT = 2**63


def parse_event_filters(params: Mapping[str, str]) -> dict[str, Any]:
    """The API's filters; raises `InvalidInput` listing every bad field."""
    filters, errors = collect_event_filters(params, API_FILTERS)
    if errors:
        raise InvalidInput("Some filters are invalid.", "部分筛选条件无效。", fields=errors)
    return filters


def collect_event_filters(
    params: Mapping[str, str], names: Sequence[str] = API_FILTERS
) -> tuple[dict[str, Any], list[FieldError]]:
    """Parse the parameters in `names`; empty values count as absent (a form submits every field).

    Returns the arguments for `apply_event_filters` and the errors; never raises for bad input.
    """
    values: dict[str, str] = {}
    for name in names:
        value = params.get(name)
        if isinstance(value, str) and value.strip():
            values[name] = value.strip()
    errors: list[FieldError] = []
    for name, value in values.items():
        # PostgreSQL refuses NUL in text parameters: without this a "%00" would be a 500.
        if "\x00" in value:
            errors.append(
                FieldError(name, "null_character", "不能包含空字符。", "Must not contain NUL characters.")
            )
    bad = {error.field for error in errors}
    values = {name: value for name, value in values.items() if name not in bad}

    filters: dict[str, Any] = {name: values[name] for name in (*TEXT_FILTERS, "case") if name in values}
    if "action" in values:
        if values["action"] in Action.values:
            filters["action"] = values["action"]
        else:
            errors.append(
                FieldError(
                    "action",
                    "invalid_choice",
                    "未知的操作类型。",
                    "Unknown action.",
                    {"allowed": list(Action.values)},
                )
            )
    if "instance" in values:
        instance = _positive_int(values["instance"])
        if instance is None:
            errors.append(
                FieldError("instance", "invalid", "流程实例编号须为正整数。", "Enter a positive integer.")
            )
        else:
            filters["instance_id"] = instance
    for name in ("since", "until"):
        if name in values:
            moment = _aware_datetime(values[name])
            if moment is None:
                errors.append(
                    FieldError(
                        name,
                        "invalid",
                        "请输入 ISO 8601 格式的日期时间，例如 2025-01-31T09:00:00+08:00（“+”需写作 %2B）。",
                        "Enter an ISO 8601 date-time such as 2025-01-31T09:00:00+08:00 (encode '+' as %2B).",
                    )
                )
            else:
                filters[name] = moment
    since, until = filters.get("since"), filters.get("until")
    if since is not None and until is not None and until <= since:
        errors.append(
            FieldError("until", "before_since", "结束时间须晚于开始时间。", "until must be after since.")
        )
    return filters, errors


def case_condition(case: str) -> Q:
    """A case is named by its business key or, when the text is a number, its instance id too."""
    condition = Q(business_key=case)
    instance = _positive_int(case)
    if instance is not None:
        condition |= Q(instance_id=instance)
    return condition


def apply_event_filters(qs: QuerySet[AuditEvent], filters: Mapping[str, Any]) -> QuerySet[AuditEvent]:
    """`filter_events` plus the pages' "case" filter."""
    remaining = dict(filters)
    case = remaining.pop("case", None)
    if case is not None:
        qs = qs.filter(case_condition(case))
    return filter_events(qs, **remaining)


def _positive_int(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    # Beyond bigint PostgreSQL would fail the query instead of matching nothing.
    return number if 0 < number < _BIGINT_LIMIT else None


def _aware_datetime(text: str) -> datetime | None:
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is None:
        return None
    try:
        # A time without offset means local time (Asia/Shanghai), as users type it.
        moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 ("+22:19" parses here), and year 1 in
        # +08:00 is before year 1 in UTC (the query would overflow, so refuse it here).
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
