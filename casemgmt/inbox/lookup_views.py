"""The task page's lookup pickers: the options matching what was typed, as <option> elements for
htmx to put into the picker (workflows/lookups.py holds the sources)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from workflows import lookups

from .schema_form import PREFIX, Choice

QUERY_LENGTH = 100


@login_required
def lookup_options(request: HttpRequest, source: str) -> HttpResponse:
    found = lookups.source(source)
    if found is None:
        raise Http404
    query = request.GET.get("q", "")[:QUERY_LENGTH]
    matches = found.search(query, request.user, lookups.SEARCH_LIMIT)
    # The picker sends its current value along, so that a choice still listed stays chosen.
    selected = next((value for key, value in request.GET.items() if key.startswith(PREFIX)), None)
    choices = [Choice(str(value), label) for value, label in matches]
    return render(request, "casemgmt/lookup_options.html", {"choices": choices, "selected": selected})
