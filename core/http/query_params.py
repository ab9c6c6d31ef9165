"""Checked query parameters for list filters: integers within bounds, values from a fixed set.

A list view that silently ignores "status=bogus" or "limit=abc" answers something other than
what was asked; one past bigint fails the query. These raise InvalidInput naming the parameter,
which the API renders in its one error format (core/http/api_errors.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from core.errors import FieldError, InvalidInput

BIGINT_MAX = 2**63 - 1


def refuse(name: str, code: str, zh: str, en: str, **extra: Any) -> InvalidInput:
    return InvalidInput(
        f"Invalid parameter {name}: {en}",
        f"参数 {name} 有误：{zh}",
        fields=[FieldError(name, code, zh, en, extra)],
    )


def _given(params: Mapping[str, Any], name: str) -> str | None:
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    return str(raw).strip()


def bounded_int(params: Mapping[str, Any], name: str, low: int = 1, high: int = BIGINT_MAX) -> int | None:
    """An integer parameter within [low, high] (ids by default); None when absent or empty."""
    text = _given(params, name)
    if text is None:
        return None
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
        raise refuse(name, "not_an_integer", "必须是整数。", "Must be an integer.")
    value = int(text)
    if not low <= value <= high:
        raise refuse(
            name,
            "out_of_range",
            f"必须在 {low} 到 {high} 之间。",
            f"Must be between {low} and {high}.",
            min=low,
            max=high,
        )
    return value


def choice(params: Mapping[str, Any], name: str, allowed: Collection[str]) -> str | None:
    """A parameter that must be one of `allowed`; None when absent or empty."""
    text = _given(params, name)
    if text is None:
        return None
    if text not in allowed:
        listed = ", ".join(allowed)
        raise refuse(
            name,
            "invalid_choice",
            f"不是有效的选项（可选：{listed}）。",
            f"Not a valid choice (one of: {listed}).",
            allowed=list(allowed),
        )
    return text
