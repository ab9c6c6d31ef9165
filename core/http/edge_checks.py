"""What the edge refuses, as field errors: pure functions over the request's parsed inputs.

PostgreSQL refuses NUL in text, UTF-8 cannot carry a lone surrogate, and recursive code (DRF's
serializers, the canonical JSON of the audit chain, the engine's deep copies) overflows the stack
on deeply nested JSON. Each of these used to surface as a 500 wherever the value first reached
such code; core/http/edge.py refuses them once, before any view runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from core.errors import FieldError

# Deeper than any form, task data or deployment needs, far below the recursion limit.
MAX_JSON_DEPTH = 32
# Enough to show what is wrong; a hostile request may carry thousands of bad values.
MAX_REPORTED = 20

_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")
# A JSON string token (escapes included), possessive so that an unterminated one cannot backtrack.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*+"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")

# Where a value came from, as the messages name it.
PLACES: dict[str, tuple[str, str]] = {
    "query": ("查询参数", "query parameter"),
    "form": ("表单字段", "form field"),
    "json": ("JSON 字段", "JSON field"),
    "path": ("路径", "path"),
    "header": ("请求头", "header"),
    "cookie": ("Cookie", "cookie"),
    "body": ("请求内容", "request body"),
    "file": ("上传文件名", "uploaded file name"),
}

_TEXT_REASONS = {
    "null_character": ("不能包含空字符（NUL）。", "must not contain NUL characters."),
    "invalid_unicode": (
        "包含无效的 Unicode 字符（孤立的代理项）。",
        "contains an invalid Unicode character (a lone surrogate).",
    ),
}


def printable(name: str) -> str:
    """A name that can be shown and encoded as UTF-8, whatever it contained."""
    shown = name.replace("\x00", "\\x00")
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")


def field_error(place: str, name: str, code: str, zh: str, en: str, **extra: Any) -> FieldError:
    return FieldError(printable(name) or place, code, zh, en, {"in": place, **extra})


def text_problem(value: str) -> str | None:
    """The code of what is wrong with a text, or None."""
    found = _BAD_CHARACTER.search(value)
    if found is None:
        return None
    return "null_character" if found.group() == "\x00" else "invalid_unicode"


def text_error(place: str, name: str, value: str) -> FieldError | None:
    code = text_problem(value)
    if code is None:
        return None
    zh, en = _TEXT_REASONS[code]
    return field_error(place, name, code, zh, en)


def check_pairs(place: str, pairs: Iterable[tuple[str, Iterable[str]]]) -> list[FieldError]:
    """Names and values of a query string, form, header or cookie set."""
    errors: list[FieldError] = []
    for name, values in pairs:
        # A bad name is reported once, whatever its values.
        problem = text_error(place, name, name)
        if problem is None:
            problem = next(filter(None, (text_error(place, name, value) for value in values)), None)
        if problem is not None:
            errors.append(problem)
            if len(errors) >= MAX_REPORTED:
                break
    return errors


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing it (parsing a
    deep text is what overflows)."""
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_JSON_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def too_deep(limit: int = MAX_JSON_DEPTH) -> FieldError:
    return field_error(
        "body",
        "body",
        "too_deep",
        f"JSON 嵌套不能超过 {limit} 层。",
        f"JSON must not be nested more than {limit} levels deep.",
        limit=limit,
    )


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) for every key and string in a parsed JSON value, without recursion."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                yield child_path, key
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend(
                (f"{where}.{index}" if where else str(index), child) for index, child in enumerate(item)
            )


def check_json_text(text: str) -> list[FieldError] | None:
    """Errors of a JSON body; None when it is not valid JSON (the API's parser answers that)."""
    if json_depth(text) > MAX_JSON_DEPTH:
        return [too_deep()]
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    errors: list[FieldError] = []
    for path, item in _walk(value, ""):
        problem = text_error("json", path or "body", item)
        if problem is not None:
            errors.append(problem)
            if len(errors) >= MAX_REPORTED:
                break
    return errors
