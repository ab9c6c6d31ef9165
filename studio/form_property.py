"""One designer field (studio/form_fields.FieldSpec) written as a JSON Schema property, with what
is wrong with its inputs: each mistake a bilingual FieldError named after the input
(`f-<row>-<input>`), the property then the best that could be made of it, for the preview.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.utils.dateparse import parse_date

from core.errors import FieldError
from workflows import lookups

from .form_fields import (
    BOOLEAN,
    CHOICE,
    CUSTOM,
    DATE,
    DESCRIPTION_EN,
    INTEGER,
    KINDS,
    LONG_FROM,
    LOOKUP,
    MULTI,
    NUMBER,
    TEXT,
    TEXTAREA,
    TITLE_EN,
    FieldSpec,
    problem,
)


def _parse_number(raw: str, where: str, errors: list[FieldError], *, whole: bool = False) -> Any:
    text = raw.strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    numeric = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not numeric or (whole and (not isinstance(value, int) or value < 0)):
        zh, en = (
            ("请输入非负整数", "enter a whole number of 0 or more")
            if whole
            else ("请输入数字", "enter a number")
        )
        errors.append(problem(where, "number", zh, en))
        return None
    return value


def _parse_options(spec: FieldSpec, index: int, errors: list[FieldError]) -> list[tuple[str, str, str]]:
    where = f"f-{index}-options"
    found: list[tuple[str, str, str]] = []
    for line in spec.options.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3 or not parts[0]:
            zh = f"选项“{line[:50]}”应写作“值 | 中文 | English”"
            en = f"option {line[:50]!r} should read 'value | 中文 | English'"
            errors.append(problem(where, "option", zh, en))
            return []
        if parts[0] in (option[0] for option in found):
            errors.append(
                problem(where, "duplicate", f"选项值 {parts[0]} 重复", f"option {parts[0]!r} is repeated")
            )
            return []
        value, label, en = [*parts, "", ""][:3]
        found.append((value, label, en))
    if not found:
        errors.append(problem(where, "required", "请至少填写一个选项", "add at least one option"))
    return found


def _choice_keywords(spec: FieldSpec, options: list[tuple[str, str, str]]) -> dict[str, Any]:
    if spec.keep.get("enum") and all(label in ("", value) and not en for value, label, en in options):
        return {"enum": [value for value, _label, _en in options]}
    one_of = []
    for value, label, en in options:
        option = {"const": value}
        option.update({"title": label} if label else {})
        option.update({TITLE_EN: en} if en else {})
        one_of.append(option)
    return {"oneOf": one_of}


def _default(spec: FieldSpec, index: int, values: list[str], errors: list[FieldError]) -> Any:
    raw, where, kind = spec.default, f"f-{index}-default", spec.kind
    source = lookups.source(spec.lookup) if kind == LOOKUP else None
    if not raw.strip():
        return None
    if kind in (NUMBER, INTEGER) or (source is not None and source.value_type == "integer"):
        value = _parse_number(raw, where, errors)
        if kind != NUMBER and value is not None and not isinstance(value, int):
            errors.append(problem(where, "integer", "请输入整数", "enter a whole number"))
        return value
    if kind == BOOLEAN:
        if raw not in ("true", "false"):
            errors.append(problem(where, "boolean", "请选择“是”或“否”", "choose yes or no"))
        return raw == "true"
    if kind == MULTI:
        picked = [part.strip() for part in raw.split(",") if part.strip()]
        if values and any(value not in values for value in picked):
            errors.append(
                problem(where, "choice", "默认值须为选项中的值", "the default must be among the options")
            )
        return picked
    if kind == CHOICE and values and raw not in values:
        errors.append(
            problem(where, "choice", "默认值须为选项中的值", "the default must be among the options")
        )
    if kind == DATE and not _is_date(raw):
        errors.append(problem(where, "date", "请输入日期（YYYY-MM-DD）", "enter a date (YYYY-MM-DD)"))
    return raw


def _is_date(raw: str) -> bool:
    try:
        return parse_date(raw) is not None
    except ValueError:
        return False


def _limits(spec: FieldSpec, index: int, errors: list[FieldError], prop: dict[str, Any]) -> None:
    pairs = (
        (("minLength", "min_length"), ("maxLength", "max_length"))
        if spec.kind in (TEXT, TEXTAREA)
        else (("minimum", "minimum"), ("maximum", "maximum"))
    )
    bounds = []
    for key, attr in pairs:
        value = _parse_number(getattr(spec, attr), f"f-{index}-{attr}", errors, whole=key.endswith("Length"))
        bounds.append(value)
        if value is not None:
            prop[key] = value
    low, high = bounds
    if low is not None and high is not None and low > high:
        where = f"f-{index}-{pairs[0][1]}"
        errors.append(problem(where, "range", "下限不能大于上限", "the lower limit is above the upper one"))
    if spec.kind == TEXT and isinstance(high, int) and high > LONG_FROM:
        where = f"f-{index}-max_length"
        zh, en = (
            f"单行文本最多 {LONG_FROM} 字，更长请选“多行文本”",
            f"one line holds at most {LONG_FROM}: choose long text",
        )
        errors.append(problem(where, "too_long", zh, en))


def write_property(spec: FieldSpec, index: int, errors: list[FieldError]) -> dict[str, Any]:
    """The property of one field; what is wrong is added to `errors` (keyed `f-<index>-<input>`),
    and the property is then the best that could be made of it, for the preview."""
    if spec.kind == CUSTOM:
        try:
            raw = json.loads(spec.raw)
        except ValueError:
            raw = None
        if not isinstance(raw, dict):
            errors.append(problem(f"f-{index}-raw", "json", "请填写 JSON 对象", "enter a JSON object"))
            return {}
        return raw
    if spec.kind not in KINDS:
        errors.append(problem(f"f-{index}-kind", "kind", "未知的字段类型", "unknown kind of field"))
        return {}
    source = lookups.source(spec.lookup) if spec.kind == LOOKUP else None
    types = {TEXT: "string", TEXTAREA: "string", DATE: "string", CHOICE: "string", MULTI: "array"}
    types.update({NUMBER: "number", INTEGER: "integer", BOOLEAN: "boolean"})
    prop: dict[str, Any] = {"type": source.value_type if source else types.get(spec.kind, "string")}
    for key, text in (("title", spec.title), (TITLE_EN, spec.title_en)):
        if text.strip():
            prop[key] = text.strip()
    for key, text in (("description", spec.description), (DESCRIPTION_EN, spec.description_en)):
        if text.strip():
            prop[key] = text.replace("\r\n", "\n").strip()
    values: list[str] = []
    if spec.kind in (TEXT, TEXTAREA, NUMBER, INTEGER):
        _limits(spec, index, errors, prop)
    if spec.kind == DATE:
        prop["format"] = "date"
    max_length = prop.get("maxLength")
    if spec.kind == TEXTAREA and (
        spec.keep.get("format") or not (isinstance(max_length, int) and max_length > LONG_FROM)
    ):
        prop["format"] = "textarea"
    if spec.kind in (CHOICE, MULTI):
        options = _parse_options(spec, index, errors)
        values = [value for value, _label, _en in options]
        choice = _choice_keywords(spec, options)
        prop.update({"items": {"type": "string", **choice}} if spec.kind == MULTI else choice)
    if spec.kind == LOOKUP:
        if source is None:
            known = ", ".join(lookups.names())
            errors.append(
                problem(
                    f"f-{index}-lookup", "lookup", f"请选择取值来源（{known}）", f"choose a source ({known})"
                )
            )
        prop[lookups.KEYWORD] = spec.lookup
    default = _default(spec, index, values, errors)
    if default is not None:
        prop["default"] = default
    for key, value in spec.extra().items():
        prop.setdefault(key, value)
    return prop
