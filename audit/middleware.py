"""Tags every request with an id and the client address for the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from . import context

REQUEST_ID_HEADER = "X-Request-ID"


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # An upstream proxy's id is reused so one request can be followed across services.
        request_id = context.clean_request_id(request.headers.get(REQUEST_ID_HEADER))
        # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy
        # rewrites REMOTE_ADDR, which is the deployment's job, not this middleware's.
        client_ip = context.clean_ip(request.META.get("REMOTE_ADDR"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.activate(context.RequestContext(request_id=request_id, client_ip=client_ip))
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response[REQUEST_ID_HEADER] = request_id
        return response
