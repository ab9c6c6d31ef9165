"""The form designer's fields as its page posts them: one `FieldSpec` of plain strings per row
(what the inputs hold, so that a wrong limit is shown again as typed), read from and written to
the POST, and the page's edits on the list (add, remove, move).

studio/form_design.py maps these to and from JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from core.errors import FieldError

TEXT, TEXTAREA, NUMBER, INTEGER, DATE, BOOLEAN, CHOICE, MULTI, LOOKUP, CUSTOM = (
    "text",
    "textarea",
    "number",
    "integer",
    "date",
    "boolean",
    "choice",
    "multi",
    "lookup",
    "custom",
)
KINDS = (TEXT, TEXTAREA, NUMBER, INTEGER, DATE, BOOLEAN, CHOICE, MULTI, LOOKUP, CUSTOM)
KIND_LABELS = {
    TEXT: _("Text"),
    TEXTAREA: _("Long text"),
    NUMBER: _("Number (decimals allowed)"),
    INTEGER: _("Whole number"),
    DATE: _("Date"),
    BOOLEAN: _("Yes/no"),
    CHOICE: _("Choice list"),
    MULTI: _("Multiple choice"),
    LOOKUP: _("Picked from a register"),
    CUSTOM: _("Other (JSON)"),
}
# Which inputs a kind uses; the others stay in the row, hidden, so switching back loses nothing.
INPUTS = {
    "length": (TEXT, TEXTAREA),
    "range": (NUMBER, INTEGER),
    "options": (CHOICE, MULTI),
    "lookup": (LOOKUP,),
    "raw": (CUSTOM,),
}
TEXT_INPUTS = (
    "name",
    "kind",
    "title",
    "title_en",
    "description",
    "description_en",
    "min_length",
    "max_length",
    "minimum",
    "maximum",
    "default",
    "options",
    "lookup",
    "raw",
)
TITLE_EN = "x-title-en"
DESCRIPTION_EN = "x-description-en"
LONG_FROM = 200  # schema_form.TEXTAREA_FROM_LENGTH: longer strings are drawn as a text area
MAX_ROWS = 200
MAX_INPUT = 100_000


@dataclass
class FieldSpec:
    """One top-level field as the designer edits it."""

    name: str = ""
    kind: str = TEXT
    title: str = ""
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    required: bool = False
    min_length: str = ""
    max_length: str = ""
    minimum: str = ""
    maximum: str = ""
    default: str = ""
    options: str = ""  # one per line: value | 中文 | English
    lookup: str = ""
    raw: str = ""  # kind "custom": the property as JSON
    # What the inputs do not show: "extra" (the property's other keywords), "enum" (the options
    # were a plain enum), "format" (long text said so itself, not only by its length).
    keep: dict[str, Any] = field(default_factory=dict)

    def extra(self) -> dict[str, Any]:
        found = self.keep.get("extra")
        return found if isinstance(found, dict) else {}

    def shows(self, group: str) -> bool:
        return self.kind in INPUTS[group]


def problem(where: str, code: str, zh: str, en: str) -> FieldError:
    return FieldError(where, code, zh, en)


class Post(Protocol):
    def get(self, key: str, default: Any = ...) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


def _keep(raw: str) -> dict[str, Any]:
    try:
        found = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def read_rows(post: Post) -> list[FieldSpec]:
    """The rows in the order posted (`row` names each row's prefix number)."""
    rows = []
    for number in post.getlist("row")[:MAX_ROWS]:
        if not str(number).isdigit():
            continue
        prefix = f"f-{number}-"
        values = {name: str(post.get(prefix + name, ""))[:MAX_INPUT] for name in TEXT_INPUTS}
        rows.append(
            FieldSpec(
                **values,
                required=post.get(prefix + "required") is not None,
                keep=_keep(str(post.get(prefix + "keep", ""))[:MAX_INPUT]),
            )
        )
    return rows


def row_inputs(spec: FieldSpec, index: int) -> dict[str, Any]:
    """The POST a row is rendered as (the inverse of read_rows), for tests and templates."""
    values: dict[str, Any] = {f"f-{index}-{name}": getattr(spec, name) for name in TEXT_INPUTS}
    values[f"f-{index}-keep"] = json.dumps(spec.keep, ensure_ascii=False)
    if spec.required:
        values[f"f-{index}-required"] = "on"
    return values


def apply_edit(rows: list[FieldSpec], op: str) -> list[FieldSpec]:
    """The rows after one of the page's edits: "add", "remove-<i>", "up-<i>", "down-<i>"
    (anything else, e.g. "refresh", leaves them as they are)."""
    rows = list(rows)
    if op == "add" and len(rows) < MAX_ROWS:
        rows.append(FieldSpec(name=f"field_{len(rows) + 1}"))
        return rows
    action, _sep, number = op.partition("-")
    if not number.isdigit() or int(number) >= len(rows):
        return rows
    index = int(number)
    if action == "remove":
        del rows[index]
    elif action == "up" and index > 0:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif action == "down" and index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
    return rows


def errors_by_input(errors: list[FieldError], english: bool) -> dict[str, list[str]]:
    """{input name: messages} in the page's language."""
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(error.field, []).append(error.message_en if english else error.message_zh)
    return found


def keep_json(spec: FieldSpec) -> str:
    return json.dumps(spec.keep, ensure_ascii=False)


def shown_keep(spec: FieldSpec) -> str:
    """The field's other keywords, for the page to show read-only ("" if none)."""
    extra: Mapping[str, Any] = spec.extra()
    return json.dumps(extra, ensure_ascii=False, indent=1) if extra else ""
