"""Where a task is really done, when that is another page of the site (a scorecard): the model's
`workPage` path with `{{ name }}` placeholders filled from the case data.

The path comes from an uploaded diagram and the values from case data, so neither is trusted:
each value is URL-quoted whole, the result must be a plain path of this site (no scheme, no
host, no `//`) that one of its URL patterns matches; anything else gives no link at all."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from django.urls import Resolver404, resolve

from casemgmt.inbox.instructions import as_text, lookup

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}")
_PATH = re.compile(r"^/(?!/)[A-Za-z0-9/_.%-]*$")


def work_link(template: str, data: Mapping[str, Any]) -> str | None:
    if not template:
        return None
    path = _PLACEHOLDER.sub(lambda m: quote(as_text(lookup(data, m.group(1))), safe=""), template)
    if not _PATH.match(path) or ".." in path:
        return None
    try:
        resolve(path)
    except Resolver404:
        return None
    return path
