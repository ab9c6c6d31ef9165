"""A task form's JSON Schema as the form designer edits it: a list of top-level fields, each a
`FieldSpec` of plain strings (what the designer's inputs hold), and back.

The mapping follows what the task page reads (casemgmt/inbox/schema_form.py): a date is a string
of format "date", long text a string of format "textarea" (or longer than 200 characters), a
choice an `enum` or `oneOf: [{const, title}]`, multiple choice an array of those, yes/no a
boolean, a lookup field names its source in `x-lookup`. English labels go in `x-title-en` and
`x-description-en` (JSON Schema ignores unknown keywords); `title` and `description` stay Chinese.

Nothing the designer does not edit is lost: a field's other keywords ride along in `keep`, the
form's other keywords (conditional rules, `additionalProperties`, ...) in `FormDesign.other`, and a
property the designer cannot represent exactly is kept as raw JSON (kind "custom"). `read_field`
proves this for every field by writing it back and comparing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.errors import FieldError, InvalidInput
from workflows import lookups

from .form_fields import (
    BOOLEAN,
    CHOICE,
    CUSTOM,
    DATE,
    DESCRIPTION_EN,
    INTEGER,
    LONG_FROM,
    LOOKUP,
    MULTI,
    NUMBER,
    TEXT,
    TEXTAREA,
    TITLE_EN,
    FieldSpec,
    Post,
    problem,
    read_rows,
)
from .form_property import write_property

DIALECT = "https://json-schema.org/draft/2020-12/schema"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
MAX_FIELDS = 200

_COMMON = {"type", "title", TITLE_EN, "description", DESCRIPTION_EN, "default"}
# The keywords each kind edits; every other keyword of a property is kept as it is.
_EDITED = {
    TEXT: _COMMON | {"minLength", "maxLength"},
    TEXTAREA: _COMMON | {"minLength", "maxLength", "format"},
    DATE: _COMMON | {"format"},
    NUMBER: _COMMON | {"minimum", "maximum"},
    INTEGER: _COMMON | {"minimum", "maximum"},
    BOOLEAN: _COMMON,
    CHOICE: _COMMON | {"enum", "oneOf"},
    MULTI: _COMMON | {"items"},
    LOOKUP: _COMMON | {lookups.KEYWORD},
}


class NotDesignable(ValueError):
    """The file is not a JSON object schema with an object of properties."""


@dataclass
class FormDesign:
    title: str = ""
    title_en: str = ""
    fields: list[FieldSpec] = field(default_factory=list)
    # Every other top-level keyword ($schema, type, allOf, if/then, additionalProperties, ...).
    other: dict[str, Any] = field(default_factory=dict)
    # The schema's own `required` list, to keep its order and the names that are not fields
    # (None: it had none).
    required_order: list[str] | None = None
    loose_required: list[str] = field(default_factory=list)


def empty_schema() -> dict[str, Any]:
    return {"$schema": DIALECT, "type": "object", "properties": {}}


def _same(a: Any, b: Any) -> bool:
    # Strict: 1 and 1.0, or true and 1, are different JSON.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _number_text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return json.dumps(value)


def _options_text(prop: Mapping[str, Any]) -> tuple[str, bool] | None:
    """The options as lines `value | 中文 | English`, and whether they were a plain `enum`."""
    if "enum" in prop and "oneOf" not in prop:
        values = prop["enum"]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return None
        return "\n".join(values), True
    options = prop.get("oneOf")
    if "enum" in prop or not isinstance(options, list):
        return None
    lines = []
    for option in options:
        if not isinstance(option, dict) or not set(option) <= {"const", "title", TITLE_EN}:
            return None
        parts = [option.get("const"), option.get("title", ""), option.get(TITLE_EN, "")]
        if not all(isinstance(part, str) for part in parts):
            return None
        lines.append(" | ".join(parts).rstrip(" |") if parts[1] or parts[2] else str(parts[0]))
    return "\n".join(lines), False


def _default_text(kind: str, prop: Mapping[str, Any]) -> str | None:
    if "default" not in prop:
        return ""
    value = prop["default"]
    if kind in (NUMBER, INTEGER) or (kind == LOOKUP and prop.get("type") == "integer"):
        return _number_text(value)
    if kind == BOOLEAN:
        return ("true" if value else "false") if isinstance(value, bool) else None
    if kind == MULTI:
        ok = isinstance(value, list) and all(isinstance(v, str) and "," not in v for v in value)
        return ", ".join(value) if ok else None
    return value if isinstance(value, str) and value else None


def _kind_of(prop: Mapping[str, Any]) -> str:
    kind = prop.get("type")
    if isinstance(prop.get(lookups.KEYWORD), str) and kind in ("integer", "string"):
        return LOOKUP
    if kind == "string":
        max_length = prop.get("maxLength")
        if "enum" in prop or "oneOf" in prop:
            return CHOICE
        if prop.get("format") == "date":
            return DATE
        if prop.get("format") == "textarea" or (isinstance(max_length, int) and max_length > LONG_FROM):
            return TEXTAREA
        return TEXT
    simple = {"number": NUMBER, "integer": INTEGER, "boolean": BOOLEAN}
    if isinstance(kind, str) and kind in simple:
        return simple[kind]
    if kind == "array" and isinstance(prop.get("items"), dict):
        return MULTI
    return CUSTOM


def _strings(prop: Mapping[str, Any], *keys: str) -> list[str] | None:
    found = [prop.get(key, "") for key in keys]
    return found if all(isinstance(value, str) for value in found) else None


def _read_as(kind: str, name: str, prop: Mapping[str, Any], required: bool) -> FieldSpec | None:
    labels = _strings(prop, "title", TITLE_EN, "description", DESCRIPTION_EN)
    default = _default_text(kind, prop)
    if labels is None or default is None:
        return None
    extra = {key: value for key, value in prop.items() if key not in _EDITED[kind]}
    title, title_en, description, description_en = labels
    spec = FieldSpec(name, kind, title, title_en, description, description_en, required, default=default)
    spec.keep["extra"] = extra
    limits = {
        "minLength": "min_length",
        "maxLength": "max_length",
        "minimum": "minimum",
        "maximum": "maximum",
    }
    for key, attr in limits.items():
        if key in prop and key in _EDITED[kind]:
            text = _number_text(prop[key])
            if text is None:
                return None
            setattr(spec, attr, text)
    if kind == TEXTAREA and prop.get("format") == "textarea":
        spec.keep["format"] = True
    if kind == LOOKUP:
        spec.lookup = str(prop[lookups.KEYWORD])
    if kind in (CHOICE, MULTI):
        source = prop.get("items") if kind == MULTI else prop
        if kind == MULTI and (not isinstance(source, dict) or not set(source) <= {"type", "enum", "oneOf"}):
            return None
        options = _options_text(source or {})
        if options is None:
            return None
        spec.options, enum_style = options
        if enum_style:
            spec.keep["enum"] = True
    return spec


def read_field(name: str, prop: Any, required: bool) -> FieldSpec:
    """The designer's view of one property; "custom" (its raw JSON) unless it maps back exactly."""
    if isinstance(prop, dict):
        kind = _kind_of(prop)
        spec = _read_as(kind, name, prop, required) if kind != CUSTOM else None
        if spec is not None:
            errors: list[FieldError] = []
            written = write_property(spec, 0, errors)
            if not errors and _same(written, prop):
                return spec
    raw = json.dumps(prop, ensure_ascii=False, indent=2)
    return FieldSpec(name, CUSTOM, required=required, raw=raw)


def read_form(schema: Any) -> FormDesign:
    """The design of a form's schema; NotDesignable if it is not an object with properties."""
    if not isinstance(schema, dict):
        raise NotDesignable("not a JSON object")
    props = schema.get("properties", {})
    if not isinstance(props, dict):
        raise NotDesignable("properties is not an object")
    found = schema.get("required")
    # A `required` that is not a list of names is not ours to manage: it is kept as it is.
    managed = isinstance(found, list) and all(isinstance(n, str) for n in found)
    required: list[str] = list(found) if managed else []  # type: ignore[arg-type]
    names = set(required)
    labels = _strings(schema, "title", TITLE_EN)
    skipped = {"properties", *(("required",) if managed else ()), *(("title", TITLE_EN) if labels else ())}
    title, title_en = labels or ["", ""]
    return FormDesign(
        title=title,
        title_en=title_en,
        fields=[read_field(str(name), prop, name in names) for name, prop in props.items()],
        other={key: value for key, value in schema.items() if key not in skipped},
        required_order=required if managed else None,
        loose_required=[n for n in required if n not in props] if managed else [],
    )


def _names(fields: list[FieldSpec], errors: list[FieldError]) -> None:
    seen: set[str] = set()
    for index, spec in enumerate(fields):
        where = f"f-{index}-name"
        if not NAME.fullmatch(spec.name):
            zh = "字段名须以字母或下划线开头，只含字母、数字和下划线（最多 64 个字符）"
            en = "a name starts with a letter or _ and holds only letters, digits and _ (at most 64)"
            errors.append(problem(where, "identifier", zh, en))
        elif spec.name in seen:
            errors.append(
                problem(where, "duplicate", f"字段名 {spec.name} 重复", f"{spec.name} is used twice")
            )
        seen.add(spec.name)
    if len(fields) > MAX_FIELDS:
        errors.append(
            problem("fields", "too_many", f"最多 {MAX_FIELDS} 个字段", f"at most {MAX_FIELDS} fields")
        )


def build_schema(design: FormDesign) -> tuple[dict[str, Any], list[FieldError]]:
    """The schema of a design and what is wrong with it (the schema is then a best effort)."""
    errors: list[FieldError] = []
    _names(design.fields, errors)
    props = {spec.name: write_property(spec, index, errors) for index, spec in enumerate(design.fields)}
    wanted = [spec.name for spec in design.fields if spec.required]
    order = design.required_order or []
    required = [n for n in order if n in wanted or n in design.loose_required]
    required += [n for n in wanted if n not in order]
    schema: dict[str, Any] = {key: design.other[key] for key in ("$schema",) if key in design.other}
    for key, text in (("title", design.title), (TITLE_EN, design.title_en)):
        if text.strip():
            schema[key] = text.strip()
    schema.update({key: design.other[key] for key in ("type",) if key in design.other})
    if required or design.required_order is not None:
        schema["required"] = required
    schema["properties"] = props
    for key, value in design.other.items():
        schema.setdefault(key, value)
    return schema, errors


def write_form(design: FormDesign) -> dict[str, Any]:
    """The schema of a design; InvalidInput with every field error if anything is wrong."""
    schema, errors = build_schema(design)
    if errors:
        raise InvalidInput(
            "The form has mistakes: nothing was saved.",
            "表单有错误，未保存。",
            code="form_invalid",
            fields=errors,
        )
    return schema


def other_rules(design: FormDesign) -> dict[str, Any]:
    """The form's keywords the designer keeps without editing them, to show read-only."""
    shown = {key: value for key, value in design.other.items() if key not in ("$schema", "type")}
    if design.loose_required:
        shown["required"] = design.loose_required
    return shown


def design_from_post(post: Post, base: FormDesign) -> FormDesign:
    """The design the page posted: its title and rows, with the keywords it does not edit taken
    from `base` (the form as the draft holds it)."""
    return FormDesign(
        title=str(post.get("title", ""))[:500],
        title_en=str(post.get("title_en", ""))[:500],
        fields=read_rows(post),
        other=base.other,
        required_order=base.required_order,
        loose_required=base.loose_required,
    )
