"""The input-sanitising layer: hostile input is refused here, once, before any view runs.

NUL bytes and lone surrogates in the path, query string, headers, cookies, form and JSON bodies,
JSON nested deeper than MAX_JSON_DEPTH, bodies over Django's DATA_UPLOAD_* limits and malformed
multipart bodies are answered with a 400 (413 for a body too big) naming the parameter or field
and the reason in Chinese and English: in the API's one error format (core/http/api_errors.py) for
/api/ paths and requests that ask for JSON, as the site's bad-request page otherwise.

It reads the body through Django's own accessors (request.body, request.POST/FILES), which cache
what they read, so the views and DRF's parsers see the same data afterwards. Multipart bodies are
never read into memory here (request.body would count their files against the memory limit).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import get_language

from core.errors import FieldError, InvalidInput, ServiceError

from . import edge_checks
from .edge_checks import PLACES, check_json_text, check_pairs, field_error

_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class BodyTooLarge(ServiceError):
    status = 413
    code = "too_large"


def refusal(errors: list[FieldError]) -> InvalidInput:
    """One error naming the first problem (and how many more there are)."""
    first = errors[0]
    place = str(first.extra.get("in", "body"))
    where_zh, where_en = PLACES.get(place, PLACES["body"])
    more_zh = f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""
    more_en = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InvalidInput(
        f"Invalid {where_en} {first.field}: {first.message_en}{more_en}",
        f"{where_zh} {first.field} 有误：{first.message_zh}{more_zh}",
        fields=errors,
    )


def _limit_error(code: str, limit: int, zh: str, en: str, status: int = 400) -> ServiceError:
    error = field_error("body", "body", code, zh, en, limit=limit)
    cls = BodyTooLarge if status == 413 else InvalidInput
    return cls(en, zh, code=code, fields=[error])


def too_large() -> ServiceError:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _limit_error(
        "too_large",
        limit,
        f"请求内容超过上限（{limit} 字节）。",
        f"The request body is over the limit of {limit} bytes.",
        status=413,
    )


def too_many_fields() -> ServiceError:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return _limit_error(
        "too_many_fields",
        limit,
        f"请求的字段数超过上限（{limit} 个）。",
        f"The request has more than the limit of {limit} fields.",
    )


def too_many_files() -> ServiceError:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    return _limit_error(
        "too_many_files",
        limit,
        f"上传的文件数超过上限（{limit} 个）。",
        f"The request has more than the limit of {limit} files.",
    )


def malformed(zh: str, en: str) -> ServiceError:
    return InvalidInput(
        en, zh, code="malformed_body", fields=[field_error("body", "body", "malformed", zh, en)]
    )


def wants_json(request: HttpRequest) -> bool:
    """The API, and any client that says it reads JSON (a browser's */* does not count)."""
    if request.path_info.startswith("/api/"):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return "application/json" in accept or _is_json(request.content_type or "")


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _content_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length if length >= 0 else None


def check_envelope(request: HttpRequest) -> list[FieldError]:
    """Path, query string, headers and cookies: what every request has."""
    errors: list[FieldError] = []
    path = edge_checks.text_error("path", "path", request.path_info)
    if path is not None:
        errors.append(path)
    errors += check_pairs("query", request.GET.lists())
    headers = ((key, [value]) for key, value in request.META.items() if key.startswith("HTTP_"))
    errors += check_pairs("header", ((key, values) for key, values in headers if isinstance(values[0], str)))
    errors += check_pairs("cookie", ((key, [value]) for key, value in request.COOKIES.items()))
    return errors


def check_body(request: HttpRequest) -> list[FieldError] | ServiceError:
    """The body's errors, or the one error that stops it being read at all."""
    length = _content_length(request)
    if length is None:
        return malformed("Content-Length 无效。", "The Content-Length header is not a valid number.")
    if request.method not in _BODY_METHODS or length == 0:
        return []
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        if request.method != "POST":
            return []  # DRF parses these itself; none of our endpoints takes one
        form, files = request.POST, request.FILES
        names = ((f"{key}", [upload.name or "" for upload in uploads]) for key, uploads in files.lists())
        return check_pairs("form", form.lists()) + check_pairs("file", names)
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return too_large()
    if content_type == "application/x-www-form-urlencoded":
        form = (
            request.POST if request.method == "POST" else QueryDict(request.body, encoding=request.encoding)
        )
        return check_pairs("form", form.lists())
    if _is_json(content_type):
        try:
            text = request.body.decode(request.encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            return []  # the parser answers undecodable bodies itself
        return check_json_text(text) or []
    return []


def inspect(request: HttpRequest) -> ServiceError | None:
    """The refusal this request gets at the edge, or None."""
    try:
        envelope = check_envelope(request)
        if envelope:
            return refusal(envelope)
        body = check_body(request)
    except RequestDataTooBig:
        return too_large()
    except TooManyFieldsSent:
        return too_many_fields()
    except TooManyFilesSent:
        return too_many_files()
    except MultiPartParserError:
        return malformed("multipart 请求内容格式错误。", "The multipart body is malformed.")
    if isinstance(body, ServiceError):
        return body
    return refusal(body) if body else None


def respond(request: HttpRequest, error: ServiceError) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})
    if any(field.extra.get("in") in ("header", "cookie") for field in error.fields):
        # The session cookie may be what is wrong: neither the page's header nor the session
        # middleware may load it. An empty session makes the middleware delete the cookie.
        request.user = AnonymousUser()
        if hasattr(request, "session"):
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    english = (get_language() or "").startswith("en")
    rows = [(field.field, field.message_en if english else field.message_zh) for field in error.fields]
    context = {"message": error.message_for(get_language()), "rows": rows, "status": error.status}
    return render(request, "edge/bad_input.html", context, status=error.status)


class EdgeInputMiddleware:
    """Refuses hostile input before any view runs (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        error = inspect(request)
        if error is not None:
            return respond(request, error)
        return self.get_response(request)
