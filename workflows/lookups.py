"""Lookup fields: a form property whose value is picked from a registry the domain owns
(technical institutions, enterprises, ...) instead of typed.

A form marks such a property with `"x-lookup": "<source>"`; the domain registers each source
(what values look like, how to search them for a user, which of some values exist). The engine
uses this in three places: deploy refuses an unknown source or a property of the wrong type
(form_schemas), completing a task refuses a value the source does not hold (forms), and the task
page draws a searchable picker (casemgmt/inbox). JSON Schema ignores unknown keywords, so the
schema stays valid for any other validator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import override

from core.errors import FieldError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

KEYWORD = "x-lookup"
SEARCH_LIMIT = 20


# What a picker was opened for, as a source reads it: {key: value} from the task's data.
Context = Mapping[str, Any]


@dataclass(frozen=True)
class LookupSource:
    label: StrOrPromise
    value_type: str  # the property's JSON type: "integer" or "string"
    # (query, user, limit, context) -> [(value, label)] that the user may pick, best first;
    # `context` (the keys below, from the task's data) may only change the order, never what
    # the user may pick: the picker sends it back with each search, so it is not trusted.
    search: Callable[[str, Any, int, Context], list[tuple[Any, str]]]
    # (values, user) -> {value: label} of those that exist and the user may pick
    labels: Callable[[Iterable[Any], Any], dict[Any, str]]
    # The task data keys the search ranks by (e.g. the case's requested catalogue items).
    context_keys: tuple[str, ...] = ()


_sources: dict[str, LookupSource] = {}


def register_lookup(name: str, source: LookupSource) -> None:
    _sources[name] = source


def source(name: str) -> LookupSource | None:
    return _sources.get(name)


def names() -> list[str]:
    return sorted(_sources)


def search_context(found: LookupSource, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The part of `data` the source ranks by: its own keys, nothing else."""
    if not isinstance(data, Mapping):
        return {}
    return {key: data[key] for key in found.context_keys if key in data}


def lookup_properties(schema: Mapping[str, Any] | None) -> dict[str, str]:
    """{property: source name} of the form's lookup fields (top-level properties)."""
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(props, Mapping):
        return {}
    return {
        str(name): str(prop[KEYWORD])
        for name, prop in props.items()
        if isinstance(prop, Mapping) and isinstance(prop.get(KEYWORD), str)
    }


def unknown_values(schema: Mapping[str, Any] | None, data: Mapping[str, Any], user: Any) -> list[FieldError]:
    """A field error for each lookup value in `data` that its source does not hold, or that `user`
    could not have picked (the same scope as the picker's search)."""
    errors = []
    for name, source_name in lookup_properties(schema).items():
        value = data.get(name)
        found = source(source_name)
        if value is None or value == "" or found is None:
            continue
        if value not in found.labels([value], user):
            # The message carries both languages, whichever the request speaks.
            with override("zh-hans"):
                label_zh = str(found.label)
            with override("en"):
                label_en = str(found.label)
            errors.append(
                FieldError(
                    name, "not_found", f"所选{label_zh}不存在或不可选", f"no such {label_en} can be chosen"
                )
            )
    return errors
