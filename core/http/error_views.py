"""Error handlers (config/urls.py: handler400/403/404/500).

Pages get templates/<status>.html in the site's layout and the request's language; the API
(paths under /api/) gets the one JSON error shape of core/http/api_errors.py, since a client that
mistypes an endpoint should not have to parse a web page. DRF's own views never reach these
handlers: their exceptions are answered by core.http.api_errors.api_exception_handler.

The 500 handler must work when everything else is broken (the database down, a template
error): it renders without the request, so no context processor touches the database, and if
even that fails it answers with a fixed page.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# status: (code, Chinese, English); the API's codes and Chinese texts as core/http/api_errors.py uses.
_API_ERRORS = {
    400: ("bad_request", "请求内容格式错误。", "Bad request."),
    403: (
        "permission_denied",
        "您没有执行此操作的权限。",
        "You do not have permission to perform this action.",
    ),
    404: ("not_found", "未找到该对象。", "Not found."),
    500: ("server_error", "服务器内部错误，请稍后再试。", "Server error. Please try again later."),
}

# The last resort, when 500.html itself cannot be rendered: no template, no translation machinery.
FALLBACK_500 = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>服务器错误 Server error</title>'
    "</head><body><h1>服务器错误 · Server error</h1>"
    "<p>服务出现故障，已记录，请稍后再试。</p><p>Something went wrong on our side; it has been logged. "
    "Please try again later.</p></body></html>"
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _page_request(request: HttpRequest) -> HttpRequest:
    """The request, fit for the page's context processors. A request refused by a middleware
    that runs before AuthenticationMiddleware (a bad Host header, say) has no user yet; the page
    then shows the signed-out header rather than failing with a 500."""
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return request


def _api_error(status: int) -> JsonResponse:
    code, message_zh, message_en = _API_ERRORS[status]
    body = {"code": code, "message": message_zh, "message_en": message_en, "fields": []}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(400)
    return defaults.bad_request(_page_request(request), exception)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(403)
    # Django's view would pass str(exception) to the template; ours never shows it (a refusal's
    # internal wording is not for the visitor).
    return HttpResponse(loader.render_to_string("403.html", {}, _page_request(request)), status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(404)
    return HttpResponse(loader.render_to_string("404.html", {}, _page_request(request)), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(500)
    try:
        # No request: context processors (user, header counts) would query the database,
        # which may be what failed.
        body: str = loader.render_to_string("500.html", {})
    except Exception:
        logger.exception("500.html could not be rendered; answering with the fixed page")
        body = FALLBACK_500
    return HttpResponseServerError(body)
