"""Recording who read personal data: one `AccessRecord` per page view, API read, export or reveal.

Called by the views after a read succeeded (a refused or missing record records nothing), in
the request's transaction when it has one: a plain insert, no chain lock, so a page view costs
one cheap statement. Nothing here stores a personal value: callers name the kind of record and
its key, and say in `detail` which field or which filters, never what the field held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request

from . import context
from .access_models import AccessKind, AccessRecord

# fn(user) -> the user's role codes. Audit imports no domain app; casemgmt plugs its membership
# directory in when Django starts (casemgmt.engine_bindings). Without it roles stay empty.
RolesOf = Callable[[Any], Iterable[str]]

_roles_of: RolesOf | None = None

_SUBJECT_LENGTH = AccessRecord._meta.get_field("subject").max_length or 64
_SUBJECT_ID_LENGTH = AccessRecord._meta.get_field("subject_id").max_length or 128
_ROLES_LENGTH = AccessRecord._meta.get_field("actor_roles").max_length or 255
# A reason or detail is written by people or built from a query string: cap what one row holds.
_TEXT_LENGTH = 2000


def set_roles_of(lookup: RolesOf) -> None:
    global _roles_of
    _roles_of = lookup


def record_access(
    actor: Any,
    kind: str,
    subject: str,
    subject_id: str | int | None = None,
    *,
    reason: str = "",
    detail: str = "",
    request: HttpRequest | Request | None = None,
) -> AccessRecord:
    """Record that `actor` read (`kind`) the `subject` record `subject_id`.

    `actor` is request.user (AnonymousUser or None for the public and the system). `kind` is an
    `AccessKind` value (ValueError otherwise). `subject` is a short code ("enterprise", "case",
    "sheet", …). `reason` is the reader's own reason where one was asked; `detail` says which
    field or which filters, never a value. The request id and client address come from the
    request context (audit.middleware), else from `request`.
    """
    if not subject:
        raise ValueError("record_access() needs a subject.")
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    ambient = context.current()
    request_id = ambient.request_id or (getattr(request, "request_id", "") if request is not None else "")
    client_ip = ambient.client_ip
    if client_ip is None and request is not None:
        client_ip = context.clean_ip(request.META.get("REMOTE_ADDR"))
    return AccessRecord.objects.create(
        actor_id=user.pk if user is not None else None,
        actor_name=user.get_username() if user is not None else "",
        actor_roles=_clip(_roles_text(user), _ROLES_LENGTH),
        kind=AccessKind(kind).value,
        subject=_clip(subject, _SUBJECT_LENGTH),
        subject_id=_clip("" if subject_id is None else str(subject_id), _SUBJECT_ID_LENGTH),
        reason=_clip(reason, _TEXT_LENGTH),
        detail=_clip(detail, _TEXT_LENGTH),
        request_id=_clip(request_id or "", 64),
        client_ip=client_ip,
    )


def record_view(
    request: HttpRequest | Request, subject: str, subject_id: str | int | None = None, *, detail: str = ""
) -> AccessRecord:
    """A page (kind "view") the request's user was shown; call it once the page is certain to
    render (after every 404/403 check), so one page view makes exactly one record."""
    return record_access(request.user, AccessKind.VIEW, subject, subject_id, detail=detail, request=request)


def record_api_read(
    request: HttpRequest | Request, subject: str, subject_id: str | int | None = None, *, detail: str = ""
) -> AccessRecord:
    """An API read (kind "api_read"), once the object was found and the caller may see it."""
    return record_access(
        request.user, AccessKind.API_READ, subject, subject_id, detail=detail, request=request
    )


def describe_query(params: Mapping[str, Any], shown: Iterable[str] = ()) -> str:
    """A list request's query string fit for `detail`: every parameter's name, and the value
    only of the `shown` ones (page numbers, orderings, status codes). A search text or a filter
    on a name or number could be personal, so its value becomes "…"."""
    keep = set(shown)
    parts = []
    for name in sorted(params):
        value = params[name] if name in keep else "…"
        parts.append(f"{name}={value}")
    return "&".join(parts)


def _roles_text(user: Any) -> str:
    if user is None or _roles_of is None:
        return ""
    return ",".join(sorted(set(_roles_of(user))))


def _clip(text: str, length: int) -> str:
    # PostgreSQL refuses NUL in text: a "%00" in a query string must not turn a read into a 500.
    return text.replace("\x00", "")[:length]
