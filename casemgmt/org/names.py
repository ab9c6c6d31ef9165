"""Org units by name in the reader's language: the English name where one is given and the page
is in English, else the Chinese. The one definition every page's unit lookup goes through."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language

from casemgmt.models import OrgUnit


def in_english() -> bool:
    return (get_language() or "").startswith("en")


def display_name(unit: Any) -> str:
    """`unit`: an OrgUnit, or anything with `name` and `name_en`."""
    english = getattr(unit, "name_en", "") or ""
    return english if english and in_english() else str(unit.name)


def unit_names(codes: Iterable[str] | None = None) -> dict[str, str]:
    """code → name in the reader's language, for `codes` (every unit when None): one query."""
    units = OrgUnit.objects.all() if codes is None else OrgUnit.objects.filter(code__in=set(codes))
    return {
        code: (english if english and in_english() else name)
        for code, name, english in units.values_list("code", "name", "name_en")
    }
