"""Template filters for how the programme's values read on screen."""

from __future__ import annotations

from typing import Any

from django import template

from casemgmt.org.names import display_name
from casemgmt.registry.validators import display_phone

register = template.Library()


@register.filter
def phone(number: str) -> str:
    """A stored E.164 number as people write it: "+8613912345678" → "139 1234 5678"."""
    return display_phone(number or "")


@register.filter
def unit_name(unit: Any) -> str:
    """An org unit by its name in the reader's language (casemgmt/org/names.py)."""
    return display_name(unit) if unit is not None else ""
