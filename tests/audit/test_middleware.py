from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from audit import context
from audit.actions import Action
from audit.middleware import RequestContextMiddleware
from audit.models import AuditEvent
from audit.services import record


def _recording_view(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        record(Action.USER_LOGIN, target_type="user", target_id="1")
    return HttpResponse("ok")


@pytest.mark.django_db
def test_events_carry_the_request_id_and_address() -> None:
    middleware = RequestContextMiddleware(_recording_view)
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="edge-7f3a", REMOTE_ADDR="203.0.113.9")
    response = middleware(request)
    event = AuditEvent.objects.get()
    assert (event.request_id, event.client_ip) == ("edge-7f3a", "203.0.113.9")
    assert response["X-Request-ID"] == "edge-7f3a"
    assert context.current() == context.RequestContext()


@pytest.mark.parametrize("supplied", [None, "", "x" * 65, "bad id", "<script>", "-leading-dash"])
def test_unsafe_or_missing_request_ids_are_replaced(supplied: str | None) -> None:
    seen: list[context.RequestContext] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(context.current())
        return HttpResponse()

    request = RequestFactory().get("/")
    if supplied is not None:
        request.META["HTTP_X_REQUEST_ID"] = supplied
    response = RequestContextMiddleware(view)(request)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert seen[0].request_id == response["X-Request-ID"]


def test_context_is_reset_even_when_the_view_fails() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        raise LookupError("boom")

    with pytest.raises(LookupError):
        RequestContextMiddleware(view)(RequestFactory().get("/"))
    assert context.current() == context.RequestContext()


def test_bad_remote_addr_is_dropped() -> None:
    seen: list[context.RequestContext] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(context.current())
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="unknown"))
    assert seen[0].client_ip is None


@pytest.mark.django_db
def test_installed_middleware_echoes_the_header() -> None:
    response = Client().get("/api/audit-events/", HTTP_X_REQUEST_ID="trace-1")
    assert response["X-Request-ID"] == "trace-1"
