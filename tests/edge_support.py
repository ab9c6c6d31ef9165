"""Every URL pattern of the URLconf as a concrete URL, and the hostile requests sent to each.

Used by tests/test_edge_inputs.py. Path parameters are filled with plausible values (the world's
case and task where the route names them), so every pattern resolves to its own view.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

HUGE = "9223372036854775800"


@dataclass(frozen=True)
class Endpoint:
    route: str  # the pattern chain as written, for messages
    url: str

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")


def _value(name: str, converter: str, route: str, ids: dict[str, int]) -> str:
    if converter == "int" or name in ("pk", "number", "item_pk", "content_type_id"):
        if "task" in route and name == "pk":
            return str(ids["task"])
        if "instance" in route and name == "pk":
            return str(ids["instance"])
        return "1"
    return {
        "key": "approval" if converter == "slug" else "SQ-1",
        "code": "fs",
        "action": "suspend",
        "credit_code": "91310117MA1J3X0X1K",
        "case_no": "FS-2026-00001",
        "uidb64": "MQ",
        "token": "set-password",
        "object_id": "1",
        "url": "nowhere/",
    }.get(name, "x")


def _regex_to_path(regex: str, route: str, ids: dict[str, int]) -> str:
    """A concrete path for a regex pattern: named groups filled in, anchors dropped."""
    out, index = [], 0
    body = regex.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    while index < len(body):
        if body.startswith("(?P<", index):
            name = body[index + 4 : body.index(">", index)]
            depth, end = 0, index
            while True:  # the group's closing parenthesis
                if body[end] == "(":
                    depth += 1
                elif body[end] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                end += 1
            group = body[body.index(">", index) + 1 : end]
            words = [word for word in group.split("|") if re.fullmatch(r"[\w-]+", word)]
            out.append(words[0] if words else _value(name, "str", route, ids))
            index = end + 1
        elif body[index] == "\\":
            out.append(body[index + 1])
            index += 2
        else:
            out.append(body[index])
            index += 1
    return "".join(out)


def _part(pattern: Any, route: str, ids: dict[str, int]) -> str:
    if isinstance(pattern, RoutePattern):
        text = str(pattern)
        return _ROUTE_PARAM.sub(
            lambda m: _value(m.group("name"), m.group("converter") or "str", route, ids), text
        )
    assert isinstance(pattern, RegexPattern), pattern
    return _regex_to_path(pattern.regex.pattern, route, ids)


def endpoints(ids: dict[str, int]) -> list[Endpoint]:
    """One concrete URL per URL pattern (the Django admin's included); sign-out last."""
    found: list[Endpoint] = []

    def walk(patterns: list[Any], route: str, path: str) -> Iterator[Endpoint]:
        for pattern in patterns:
            here = route + str(pattern.pattern)
            concrete = path + _part(pattern.pattern, here, ids)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, here, concrete)
            elif isinstance(pattern, URLPattern):
                yield Endpoint(here, "/" + concrete)

    found = list(walk(get_resolver().url_patterns, "", ""))
    return sorted(found, key=lambda e: e.url.startswith("/accounts/logout"))


# --- the hostile requests ---------------------------------------------------------------------

Send = Callable[[Client, str], Any]


def _json(client: Client, url: str, text: str) -> Any:
    return client.post(url, text, content_type="application/json")


def _form(client: Client, url: str, text: str) -> Any:
    return client.post(url, text, content_type="application/x-www-form-urlencoded")


def _oversize_json() -> str:
    filler = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    return json.dumps({"reason": filler})


NUL_QUERY = {"q": "a\x00b", "status": "open\x00", "project": "\x00"}
NUL_FORM = {"reason": "a\x00b", "name": "x\x00", "data": "\x00"}
NUL_JSON = json.dumps({"reason": "a\x00b", "name": "x", "data": {"title": "a\x00"}})
SURROGATE_JSON = '{"reason": "\\ud800", "name": "x", "data": {"title": "x\\udfff"}}'
DEEP_JSON = '{"reason": "x", "data": ' + "[" * 1000 + "]" * 1000 + "}"
HUGE_OFFSET = {"offset": HUGE}
HUGE_PAGING = {"offset": HUGE, "limit": HUGE, "page": HUGE}
HUGE_IDS = {"instance": HUGE, "version": HUGE, "id": HUGE, "pk": HUGE, "project": HUGE, "evaluation": HUGE}


def _query(method: str, params: dict[str, str]) -> Send:
    def send(client: Client, url: str) -> Any:
        return getattr(client, method)(f"{url}?{urlencode(params)}")

    return send


# kind → (how to send it, the statuses the edge answers with; None: not the edge's to refuse)
HOSTILE: dict[str, tuple[Send, tuple[int, ...] | None]] = {
    "nul-query-get": (_query("get", NUL_QUERY), (400,)),
    "nul-query-post": (_query("post", NUL_QUERY), (400,)),
    "nul-form-urlencoded": (lambda c, u: _form(c, u, urlencode(NUL_FORM)), (400,)),
    "nul-form-multipart": (lambda c, u: c.post(u, NUL_FORM), (400,)),
    "nul-json": (lambda c, u: _json(c, u, NUL_JSON), (400,)),
    "surrogate-json": (lambda c, u: _json(c, u, SURROGATE_JSON), (400,)),
    "deep-json": (lambda c, u: _json(c, u, DEEP_JSON), (400,)),
    "oversize-json": (lambda c, u: _json(c, u, _oversize_json()), (413,)),
    "oversize-form": (
        lambda c, u: _form(c, u, "reason=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        (413,),
    ),
    "too-many-fields": (
        lambda c, u: _form(
            c, u, "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
        ),
        (400,),
    ),
    # Not the edge's: the views (and the API's pagination) must bound these themselves.
    "huge-offset-get": (_query("get", HUGE_OFFSET), None),
    "huge-offset-post": (_query("post", HUGE_OFFSET), None),
    "huge-paging-get": (_query("get", HUGE_PAGING), None),
    "huge-ids-get": (_query("get", HUGE_IDS), None),
}
