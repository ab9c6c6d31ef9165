"""A task's instructions for the end user, rendered from untrusted diagram text.

The text comes from an uploaded diagram, so it never reaches the Django template engine (which
would let a diagram author call methods and read context). The only markup understood is
`{{ name }}` / `{{ name.sub }}`, replaced by the escaped value from the case data; blank lines
make paragraphs, single newlines line breaks; everything else is escaped text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

MAX_INSTRUCTIONS = 20_000
MAX_VALUE = 2_000
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n+")


def lookup(data: Mapping[str, Any], dotted: str) -> Any:
    """Walk dict keys (and list indexes) only; never attributes, so data cannot reach code."""
    value: Any = data
    for part in dotted.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(as_text(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _line(text: str, data: Mapping[str, Any]) -> str:
    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(escape(as_text(lookup(data, match.group(1)))[:MAX_VALUE]))
        position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def render_instructions(text: str, data: Mapping[str, Any] | None = None) -> SafeString:
    """HTML for the instructions: <p> per paragraph, <br> per line, every other character escaped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")[:MAX_INSTRUCTIONS].strip()
    if not text:
        return SafeString("")
    data = data if isinstance(data, Mapping) else {}
    paragraphs = []
    for block in _PARAGRAPHS.split(text):
        lines = [_line(line, data) for line in block.strip("\n").split("\n")]
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    # Safe: every piece of text above went through escape(); the only tags are our own p and br.
    return mark_safe("\n".join(paragraphs))  # noqa: S308
