"""The task page's lookup pickers: the options matching what was typed, as <option> elements for
htmx to put into the picker (workflows/lookups.py holds the sources)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from workflows import lookups

from .schema_form import CONTEXT_PARAMETER, PREFIX, Choice

QUERY_LENGTH = 100
# What the task page put into the picker (schema_form) is a few keys of the task's data.
CONTEXT_LENGTH = 4000


def _sent_context(text: str) -> dict[str, Any]:
    """The ranking context the picker sent back. It only orders what the user may pick anyway,
    so anything unreadable just means no ranking."""
    if not text or len(text) > CONTEXT_LENGTH:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


@login_required
def lookup_options(request: HttpRequest, source: str) -> HttpResponse:
    found = lookups.source(source)
    if found is None:
        raise Http404
    query = request.GET.get("q", "")[:QUERY_LENGTH]
    context = lookups.search_context(found, _sent_context(request.GET.get(CONTEXT_PARAMETER, "")))
    matches = found.search(query, request.user, lookups.SEARCH_LIMIT, context)
    # The picker sends its current value along, so that a choice still listed stays chosen.
    selected = next((value for key, value in request.GET.items() if key.startswith(PREFIX)), None)
    choices = [Choice(str(value), label) for value, label in matches]
    return render(request, "casemgmt/lookup_options.html", {"choices": choices, "selected": selected})
