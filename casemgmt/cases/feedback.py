"""The enterprise's feedback (服务反馈): five-level rating, effects, the five amounts.

One check for both ways in: the staff form (the task's JSON Schema, then the process's handler)
and the enterprise's online form (this check before the task is completed on its behalf).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.errors import FieldError

from ..models import EffectKind, Satisfaction

AMOUNT_FIELDS = ("investment_drawn", "output_added", "cost_saved", "profit_added")
MAX_AMOUNT = Decimal("99999999999.99")
MAX_JOBS = 1_000_000


@dataclass
class FeedbackValues:
    rating: int
    effects: list[str]
    effect_other: str = ""
    feedback_comment: str = ""
    new_jobs: int | None = None
    amounts: dict[str, Decimal | None] = field(default_factory=dict)


def _rating(raw: Any, errors: list[FieldError]) -> int:
    try:
        value = int(raw) if isinstance(raw, int | str) and not isinstance(raw, bool) else 0
    except ValueError:
        value = 0
    if value not in Satisfaction.values:
        errors.append(
            FieldError(
                "rating",
                "invalid_choice",
                "请选择满意度（非常满意、满意、一般、不满意、非常不满意）。",
                "Choose a satisfaction level from 1 to 5.",
            )
        )
    return value


def _effects(raw: Any, other: Any, errors: list[FieldError]) -> tuple[list[str], str]:
    values = raw if isinstance(raw, list) else ([] if raw in (None, "") else None)
    if values is None or any(v not in EffectKind.values for v in values):
        errors.append(FieldError("effects", "invalid_choice", "服务成效不是允许的选项。", "Unknown effect."))
        return [], ""
    effects = list(dict.fromkeys(values))
    text = other.strip() if isinstance(other, str) else ""
    if len(text) > 300:
        errors.append(
            FieldError("effect_other", "too_long", "其他成效说明不能超过 300 个字符。", "At most 300.")
        )
    if EffectKind.OTHER in effects and not text:
        errors.append(
            FieldError(
                "effect_other",
                "required",
                "服务成效选择“其他”时，请说明具体成效。",
                "Describe the effect when choosing “other”.",
            )
        )
    return effects, text if EffectKind.OTHER in effects else ""


def _amount(name: str, raw: Any, errors: list[FieldError]) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        errors.append(FieldError(name, "type", "请填写数字。", "Enter a number."))
        return None
    try:
        value = Decimal(str(raw).strip())
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or (isinstance(raw, float) and not math.isfinite(raw)):
        errors.append(FieldError(name, "type", "请填写数字。", "Enter a number."))
        return None
    if value < 0 or value > MAX_AMOUNT:
        errors.append(
            FieldError(name, "range", "金额须大于或等于 0（单位：万元）。", "Must be 0 or more (10k yuan).")
        )
        return None
    # copy_abs: "-0" passes the range check but would travel on as -0.00 (and -0.0 in task data).
    return value.quantize(Decimal("0.01")).copy_abs()


def _jobs(raw: Any, errors: list[FieldError]) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw) if not isinstance(raw, bool | float) else None
    except ValueError:
        value = None
    if value is None or value < 0 or value > MAX_JOBS:
        errors.append(
            FieldError("new_jobs", "range", "新增就业岗位数须为非负整数。", "A whole number, 0 or more.")
        )
        return None
    return value


def clean_feedback(data: dict[str, Any]) -> tuple[FeedbackValues | None, list[FieldError]]:
    errors: list[FieldError] = []
    rating = _rating(data.get("rating"), errors)
    effects, other = _effects(data.get("effects"), data.get("effect_other"), errors)
    comment = data.get("feedback_comment")
    comment_text = comment.strip() if isinstance(comment, str) else ""
    if len(comment_text) > 2000:
        errors.append(
            FieldError("feedback_comment", "too_long", "意见和建议不能超过 2000 个字符。", "At most 2000.")
        )
    jobs = _jobs(data.get("new_jobs"), errors)
    amounts = {name: _amount(name, data.get(name), errors) for name in AMOUNT_FIELDS}
    if errors:
        return None, errors
    return FeedbackValues(rating, effects, other, comment_text, jobs, amounts), []


def form_data(values: FeedbackValues) -> dict[str, Any]:
    """The values as the feedback task's form submits them (its JSON Schema's types)."""
    data: dict[str, Any] = {"rating": str(values.rating), "effects": values.effects}
    if values.effect_other:
        data["effect_other"] = values.effect_other
    if values.feedback_comment:
        data["feedback_comment"] = values.feedback_comment
    if values.new_jobs is not None:
        data["new_jobs"] = values.new_jobs
    for name, amount in values.amounts.items():
        if amount is not None:
            data[name] = float(amount)
    return data
