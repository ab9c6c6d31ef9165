"""Reading docs/personal-data.md's inventory, and the two checks the tests make of it.

A field is named in the inventory as `app_label.ModelName.field_name`, in backticks, in a table
row of the "## Inventory" section: a personal-data table, or the "Looked at, not personal" table
with the reason. Other sections may name fields too; only the inventory counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

DOC = Path(__file__).resolve().parents[2] / "docs" / "personal-data.md"
SECTION = "## Inventory"
# What a field's name says about it: a phone, a person's or thing's name (as a part of the name:
# name, contact_name, name_en, but not rename), an address, an identity number, an e-mail, a
# contact, a user name.
PERSONAL_NAME = re.compile(
    r"phone|mobile|(?:^|_)tel(?:_|$)|(?:^|_)name(?:_|$)|username|address"
    r"|id_number|id_card|identity|e_?mail|contact"
)
LISTED = re.compile(r"`([a-z][a-z0-9_]*\.[A-Z][A-Za-z0-9]*\.[a-z][a-z0-9_]*)`")


def inventory_text(text: str | None = None) -> str:
    """The "## Inventory" section of the document (up to the next top-level section)."""
    text = DOC.read_text(encoding="utf-8") if text is None else text
    start = text.find(f"\n{SECTION}\n")
    assert start >= 0, f"{DOC.name} has no '{SECTION}' section"
    end = text.find("\n## ", start + len(SECTION) + 2)
    return text[start : end if end >= 0 else len(text)]


def listed_fields(text: str | None = None) -> set[str]:
    """Every `app.Model.field` named in a table row of the inventory."""
    rows = (line for line in inventory_text(text).splitlines() if line.lstrip().startswith("|"))
    return {name for row in rows for name in LISTED.findall(row)}


def model_fields() -> list[str]:
    """`app.Model.field` of every concrete field of every installed model (proxies are their
    concrete model's fields, so left out)."""
    return sorted(
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
    )


def looks_personal(qualified: str) -> bool:
    return bool(PERSONAL_NAME.search(qualified.rsplit(".", 1)[1]))


def unlisted(fields: Iterable[str], listed: set[str]) -> list[str]:
    """The fields whose names suggest personal data and which the inventory does not name."""
    return sorted(name for name in fields if looks_personal(name) and name not in listed)


def stale(listed: Iterable[str]) -> list[str]:
    """Names in the inventory that are no concrete field of an installed model (any more)."""
    missing = []
    for name in sorted(listed):
        app_label, model_name, field_name = name.split(".")
        try:
            field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        except (LookupError, FieldDoesNotExist):
            missing.append(name)
            continue
        if not getattr(field, "concrete", False):
            missing.append(name)
    return missing


def unlisted_message(names: list[str]) -> str:
    return (
        f"{len(names)} field(s) look like personal data but are not in {DOC.name} '{SECTION}': "
        + ", ".join(names)
        + ". Add each to a personal-data table (what, purpose, who may see it, retention) or to "
        "'Looked at, not personal' with the reason."
    )


def stale_message(names: list[str]) -> str:
    return (
        f"{len(names)} name(s) in {DOC.name} '{SECTION}' are no model field: "
        + ", ".join(names)
        + ". Remove or rename the rows."
    )
