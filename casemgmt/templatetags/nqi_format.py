"""Template filters for how the programme's values read on screen."""

from __future__ import annotations

from django import template

from casemgmt.registry.validators import display_phone

register = template.Library()


@register.filter
def phone(number: str) -> str:
    """A stored E.164 number as people write it: "+8613912345678" → "139 1234 5678"."""
    return display_phone(number or "")
