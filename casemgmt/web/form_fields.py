"""One input of a hand-built form (window intake, registry forms), rendered by
casemgmt/_form_field.html: label, the control for its kind, help text and inline errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Field:
    name: str
    label: Any
    kind: str = "text"  # text, textarea, select, checkbox, items (catalogue), tel, url, email
    value: Any = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False  # marked with an asterisk; the service is what enforces it
    help: Any = ""
    errors: list[str] = field(default_factory=list)


def attach_errors(fields: list[Field], errors: Mapping[str, str | list[str]]) -> list[Field]:
    """Each field gets the messages reported under its name (a service's FieldErrors)."""
    for spec in fields:
        found = errors.get(spec.name, [])
        spec.errors = [found] if isinstance(found, str) else list(found)
    return fields
