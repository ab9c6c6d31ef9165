"""Who is asking, for the current request or job: read by `audit.services.record`.

A contextvar rather than a thread-local so that the value follows the code into async views
and never leaks from one request to the next on a reused worker thread.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

# Long or odd client-supplied ids would end up in logs and in the audit table: accept only
# short tokens of safe characters and mint our own otherwise.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None


_EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("audit_request_context", default=_EMPTY)


def current() -> RequestContext:
    return _current.get()


def activate(context: RequestContext) -> Token[RequestContext]:
    return _current.set(context)


def deactivate(token: Token[RequestContext]) -> None:
    _current.reset(token)


@contextmanager
def bound(request_id: str = "", client_ip: str | None = None) -> Iterator[RequestContext]:
    """Set the context for work outside a request, e.g. a Celery task carrying the caller's id."""
    context = RequestContext(request_id=clean_request_id(request_id), client_ip=clean_ip(client_ip))
    token = activate(context)
    try:
        yield context
    finally:
        deactivate(token)


def clean_request_id(candidate: str | None) -> str:
    if candidate and _SAFE_REQUEST_ID.fullmatch(candidate):
        return candidate
    return uuid.uuid4().hex


def clean_ip(candidate: str | None) -> str | None:
    if not candidate:
        return None
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None
