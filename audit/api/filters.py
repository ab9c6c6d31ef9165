"""Turning the list endpoint's query string into `filter_events` arguments, or field errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.actions import Action
from config.errors import FieldError, InvalidInput

TEXT_FILTERS = ("actor", "target_type", "target_id", "business_key")


def parse_event_filters(params: Mapping[str, str]) -> dict[str, Any]:
    """Empty values count as absent, as an HTML filter form submits every field."""
    values = {
        name: value.strip() for name, value in params.items() if isinstance(value, str) and value.strip()
    }
    errors: list[FieldError] = []
    filters: dict[str, Any] = {name: values[name] for name in TEXT_FILTERS if name in values}

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

    if errors:
        raise InvalidInput("Some filters are invalid.", "部分筛选条件无效。", fields=errors)
    return filters


def _positive_int(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    # Beyond bigint PostgreSQL would fail the query instead of matching nothing.
    return number if 0 < number < 2**63 else None


def _aware_datetime(text: str) -> datetime | None:
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is None:
        return None
    # A time without offset means local time (Asia/Shanghai), as users type it.
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
