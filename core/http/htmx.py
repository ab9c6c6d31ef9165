"""Whether a request came from htmx (django_htmx's middleware sets `request.htmx`): the one test
every page uses to answer a fragment, and a refusal with 200, which htmx swaps (it ignores 4xx)."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
