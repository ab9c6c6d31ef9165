"""A task's JSON Schema (a draft 2020-12 subset) turned into form fields, and a POST back into data.

Pure functions, no Django forms: the schema comes from an uploaded diagram, so the fields are
built per request from it. Parsing here only converts types (text → int/float/bool/list/JSON);
`workflows.forms.validate_task_data`, called by `human_tasks.complete`, stays the authority on
whether the data is acceptable.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from workflows import lookups

# POST keys carry a prefix so that a property called e.g. "csrfmiddlewaretoken" cannot collide.
PREFIX = "f."
TEXTAREA_FROM_LENGTH = 200
# The query parameter a picker's search carries its ranking context in (lookup_views).
CONTEXT_PARAMETER = "context"
# English labels beside the Chinese `title`/`description` (the form designer writes them); JSON
# Schema ignores unknown keywords, so validation is unchanged.
TITLE_EN, DESCRIPTION_EN = "x-title-en", "x-description-en"

TEXT, TEXTAREA, DATE, SELECT, NUMBER, INTEGER, CHECKBOX, MULTI, JSON, LOOKUP = (
    "text",
    "textarea",
    "date",
    "select",
    "number",
    "integer",
    "checkbox",
    "multi",
    "json",
    "lookup",
)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class FormField:
    name: str  # the property name, the key in the task data
    kind: str
    label: str
    help: str = ""
    required: bool = False
    choices: list[Choice] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)  # min, max, step, maxlength, minlength
    # What the widget shows: a string for inputs, a bool for a checkbox, a list for multi.
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    input_id: str = ""

    @property
    def post_name(self) -> str:
        return PREFIX + self.name

    def display(self) -> str:
        """The value as read-only text."""
        if self.kind == CHECKBOX:
            return _("Yes") if self.value else _("No")
        if self.kind in (SELECT, MULTI):
            labels = {c.value: c.label for c in self.choices}
            values = self.value if isinstance(self.value, list) else [self.value]
            return "、".join(str(labels.get(v, v)) for v in values if v != "")
        return str(self.value)


Errors = dict[str, list[str]]


def _text(item: Mapping[str, Any], key: str, english_key: str) -> str:
    """`key` (Chinese), or its English keyword when the page is English and the form has one."""
    english = item.get(english_key)
    if (get_language() or "").startswith("en") and isinstance(english, str) and english:
        return english
    return str(item.get(key) or "")


def form_title(schema: Mapping[str, Any] | None) -> str:
    """The form's own title (the schema's `title`) in the reader's language; "" for none."""
    return _text(schema, "title", TITLE_EN) if isinstance(schema, Mapping) else ""


def _choices(prop: Mapping[str, Any]) -> list[Choice] | None:
    """Labelled options from `enum` or `oneOf: [{const, title}]`; None if not all strings."""
    if isinstance(prop.get("enum"), list):
        values = prop["enum"]
        if all(isinstance(v, str) for v in values):
            return [Choice(v, v) for v in values]
        return None
    options = prop.get("oneOf")
    if (
        isinstance(options, list)
        and options
        and all(isinstance(o, dict) and isinstance(o.get("const"), str) for o in options)
    ):
        return [Choice(o["const"], _text(o, "title", TITLE_EN) or o["const"]) for o in options]
    return None


def _number_attrs(prop: Mapping[str, Any], integer: bool) -> dict[str, str]:
    attrs = {"step": "1" if integer else "any"}
    for key, attr in (("minimum", "min"), ("maximum", "max")):
        bound = prop.get(key)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            attrs[attr] = str(bound)
    return attrs


def _kind_of(prop: Mapping[str, Any]) -> tuple[str, list[Choice], dict[str, str]]:
    kind = prop.get("type")
    source = lookups.source(str(prop.get(lookups.KEYWORD, "")))
    if source is not None and kind == source.value_type:
        # Picked from the registry: a searchable picker (attrs["lookup"] names the source).
        return LOOKUP, [], {"lookup": str(prop[lookups.KEYWORD])}
    if kind == "string":
        choices = _choices(prop)
        if choices is not None:
            return SELECT, choices, {}
        if prop.get("enum") is not None or prop.get("oneOf") is not None:
            return JSON, [], {}
        attrs = {
            attr: str(prop[key])
            for key, attr in (("maxLength", "maxlength"), ("minLength", "minlength"))
            if isinstance(prop.get(key), int) and not isinstance(prop.get(key), bool)
        }
        if prop.get("format") == "date":
            return DATE, [], {}
        max_length = prop.get("maxLength")
        if prop.get("format") == "textarea" or (
            isinstance(max_length, int) and max_length > TEXTAREA_FROM_LENGTH
        ):
            return TEXTAREA, [], attrs
        return TEXT, [], attrs
    if kind in ("number", "integer") and "enum" not in prop:
        return (INTEGER if kind == "integer" else NUMBER), [], _number_attrs(prop, kind == "integer")
    if kind == "boolean" and "enum" not in prop:
        return CHECKBOX, [], {}
    if kind == "array" and isinstance(prop.get("items"), dict):
        items = prop["items"]
        choices = _choices(items) if items.get("type", "string") == "string" else None
        if choices is not None:
            return MULTI, choices, {}
    # Anything else (objects, free arrays, anyOf, type lists, $ref…): edit it as JSON text.
    return JSON, [], {}


def properties(schema: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not isinstance(schema, Mapping) or not isinstance(schema.get("properties"), Mapping):
        return {}
    return {str(k): v if isinstance(v, dict) else {} for k, v in schema["properties"].items()}


def _shown(kind: str, value: Any) -> Any:
    """A typed JSON value as its widget shows it."""
    if kind == CHECKBOX:
        return value is True
    if kind == MULTI:
        return [str(v) for v in value] if isinstance(value, list) else []
    if value is None:
        return ""
    if kind == JSON:
        return json.dumps(value, ensure_ascii=False, indent=2)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _submitted(kind: str, post: Any, key: str) -> Any:
    """The raw submitted value, to put back into the widget after a failed submit."""
    if kind == CHECKBOX:
        return post.get(key) is not None
    if kind == MULTI:
        return list(post.getlist(key))
    return post.get(key, "")


def _lookup_choices(source_name: str, shown: str, user: Any, context: lookups.Context) -> list[Choice]:
    """The picker's options before any search: the value shown (with its label) and the first
    ones the user may pick, so that the form works without JavaScript too."""
    source = lookups.source(source_name)
    if source is None:
        return []
    current: Any = _parse_integer(shown) if source.value_type == "integer" and shown else shown
    found = source.labels([current], user) if shown else {}
    choices = [Choice(str(value), label) for value, label in found.items()]
    if user is not None:
        choices += [
            Choice(str(value), label)
            for value, label in source.search("", user, lookups.SEARCH_LIMIT, context)
            if value not in found
        ]
    return choices


def _with_search_context(
    attrs: dict[str, str], data: Mapping[str, Any] | None
) -> tuple[dict[str, str], lookups.Context]:
    """The picker's attributes plus `search_vals`, what its searches send back (hx-vals) so that
    each answer ranks like the first options: only the keys the source ranks by."""
    source = lookups.source(attrs["lookup"])
    context = lookups.search_context(source, data) if source is not None else {}
    if not context:
        return attrs, {}
    return {**attrs, "search_vals": json.dumps({CONTEXT_PARAMETER: json.dumps(context)})}, context


def build_fields(
    schema: Mapping[str, Any] | None,
    *,
    data: Mapping[str, Any] | None = None,
    submitted: Any = None,
    errors: Errors | None = None,
    user: Any = None,
    context: Mapping[str, Any] | None = None,
) -> list[FormField]:
    """The fields of a form, showing `submitted` (a QueryDict) if given, else `data`, else defaults.
    `context`: the task's data, which a lookup source may rank its choices by."""
    required = set(schema.get("required") or []) if isinstance(schema, Mapping) else set()
    errors = errors or {}
    fields: list[FormField] = []
    for index, (name, prop) in enumerate(properties(schema).items()):
        kind, choices, attrs = _kind_of(prop)
        if submitted is not None:
            value = _submitted(kind, submitted, PREFIX + name)
        elif data is not None and name in data:
            value = _shown(kind, data[name])
        else:
            value = _shown(kind, prop.get("default"))
        if kind == LOOKUP:
            attrs, ranked_by = _with_search_context(attrs, context)
            choices = _lookup_choices(attrs["lookup"], str(value), user, ranked_by)
        fields.append(
            FormField(
                name=name,
                kind=kind,
                label=_text(prop, "title", TITLE_EN) or name,
                help=_text(prop, "description", DESCRIPTION_EN),
                required=name in required,
                choices=choices,
                attrs=attrs,
                value=value,
                errors=list(errors.get(name, [])),
                input_id=f"field-{index}",
            )
        )
    return fields


def _parse_integer(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        exact = Decimal(raw)  # "3.0" and "1e3" are whole numbers too
    except InvalidOperation:
        return None
    if not exact.is_finite() or exact != exact.to_integral_value():
        return None
    return int(exact)


def _parse_number(raw: str) -> int | float | None:
    try:
        return int(raw)  # keep whole numbers integral: 5 stays 5, not 5.0
    except ValueError:
        pass
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_submission(schema: Mapping[str, Any] | None, post: Any) -> tuple[dict[str, Any], Errors]:
    """Typed task data from a QueryDict; errors only for input that has no value of the right type."""
    required = set(schema.get("required") or []) if isinstance(schema, Mapping) else set()
    data: dict[str, Any] = {}
    errors: Errors = {}
    for name, prop in properties(schema).items():
        kind, _choices_unused, _attrs = _kind_of(prop)
        key = PREFIX + name
        if kind == CHECKBOX:
            # An unchecked box submits nothing at all: its absence is the answer "false".
            data[name] = post.get(key) is not None
            continue
        if kind == MULTI:
            picked = [v for v in post.getlist(key) if v != ""]
            if picked or name in required:
                data[name] = picked
            continue
        raw = post.get(key, "")
        text = raw if kind == TEXTAREA else raw.strip()
        if text.strip() == "":
            continue  # empty optional input: omitted; if required, the schema says so
        if kind == LOOKUP and prop.get("type") == "string":
            data[name] = text
        elif kind in (INTEGER, LOOKUP):
            whole = _parse_integer(text)
            if whole is None:
                errors[name] = [_("Enter a whole number.")]
            else:
                data[name] = whole
        elif kind == NUMBER:
            number = _parse_number(text)
            if number is None:
                errors[name] = [_("Enter a number.")]
            else:
                data[name] = number
        elif kind == DATE:
            try:
                valid = parse_date(text) is not None
            except ValueError:  # well-formed but impossible, e.g. 2024-02-30
                valid = False
            if valid:
                data[name] = text
            else:
                errors[name] = [_("Enter a valid date (YYYY-MM-DD).")]
        elif kind == JSON:
            try:
                data[name] = json.loads(text)
            except ValueError:
                errors[name] = [_("Enter valid JSON.")]
        else:
            data[name] = text
    return data, errors


def field_of_error(path: str, names: set[str]) -> str | None:
    """The rendered field a server-side error belongs to ("tags.1" → "tags"), or None for the form."""
    if path in names:
        return path
    head = path.split(".", 1)[0]
    return head if head in names else None
