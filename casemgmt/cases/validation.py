"""Field checks shared by intake, feedback and the lifecycle actions: each appends a bilingual
FieldError instead of raising, so that a caller reports every bad field at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from casemgmt.registry import catalogue
from casemgmt.registry.validators import validate_cn_phone, validate_uscc
from core.errors import FieldError

MAX_REASON = 1000


def required_text(
    field: str,
    raw: Any,
    max_length: int,
    label_zh: str,
    errors: list[FieldError],
    *,
    optional: bool = False,
) -> str:
    if raw is None and optional:
        return ""
    if not isinstance(raw, str):
        errors.append(FieldError(field, "type", f"{label_zh}格式不正确。", "Must be text."))
        return ""
    text = raw.strip()
    if not text and not optional:
        errors.append(FieldError(field, "required", f"请填写{label_zh}。", "This field is required."))
    elif len(text) > max_length:
        errors.append(
            FieldError(
                field,
                "too_long",
                f"{label_zh}不能超过 {max_length} 个字符。",
                f"At most {max_length} characters.",
            )
        )
    return text


def uscc(field: str, raw: Any, errors: list[FieldError]) -> str:
    try:
        return validate_uscc(raw if isinstance(raw, str) else "")
    except ValidationError as error:
        errors.append(FieldError.from_validation(field, error))
        return ""


def phone(field: str, raw: Any, errors: list[FieldError]) -> str:
    if not isinstance(raw, str) or not raw.strip():
        errors.append(FieldError(field, "required", "请填写联系电话。", "Enter a phone number."))
        return ""
    try:
        return validate_cn_phone(raw)
    except ValidationError as error:
        errors.append(FieldError.from_validation(field, error, "invalid_phone"))
        return ""


def normalised_phone(raw: str) -> str | None:
    """The E.164 form of a phone number, or None if it is not one."""
    try:
        return validate_cn_phone(raw)
    except ValidationError:
        return None


def choice(
    field: str,
    raw: Any,
    allowed: Iterable[str],
    label_zh: str,
    errors: list[FieldError],
    *,
    required: bool = False,
) -> str:
    value = raw.strip() if isinstance(raw, str) else raw
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or value not in set(allowed):
        errors.append(
            FieldError(field, "invalid_choice", f"{label_zh}不是允许的选项。", "Not an allowed choice.")
        )
        return ""
    return value


def reason_text(raw: Any, errors: list[FieldError]) -> str:
    return required_text("reason", raw, MAX_REASON, "原因", errors)


def catalogue_items(field: str, raw: Any, max_items: int, errors: list[FieldError]) -> list[str]:
    """The catalogue item keys of `raw` (a list), each once, in order."""
    if isinstance(raw, str) or not isinstance(raw, list | tuple):
        errors.append(FieldError(field, "type", "服务事项格式不正确。", "Catalogue items must be a list."))
        return []
    keys: list[str] = []
    unknown: list[str] = []
    for value in raw:
        key = value.strip() if isinstance(value, str) else ""
        try:
            catalogue.item(key)
        except KeyError:
            unknown.append(str(value)[:40])
            continue
        if key not in keys:
            keys.append(key)
    if unknown:
        errors.append(
            FieldError(
                field,
                "unknown_item",
                f"服务目录中没有这些事项：{'、'.join(unknown)}。",
                f"Not in the service catalogue: {', '.join(unknown)}.",
            )
        )
    elif len(keys) > max_items:
        errors.append(
            FieldError(
                field,
                "too_many",
                f"服务事项最多选择 {max_items} 项。",
                f"Choose at most {max_items} catalogue items.",
            )
        )
    return keys
