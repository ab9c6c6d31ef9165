"""One error format for the whole API: {"code", "message" (zh), "message_en", "fields": [...]}.

DRF renders its messages when it raises them, in the request's language. Field errors of a
serializer are rendered again under each language (validation is re-run on a copy of the
serializer, which has no side effects); other texts are looked up in the catalogue
(core/translations.py). Errors are always rendered as JSON, whatever renderer the view
negotiated (the schema view's YAML, the docs' HTML).
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions as drf_exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ServiceError
from core.translations import CHINESE, both_languages

_DRF_MESSAGES_ZH = {
    "not_authenticated": "未登录或登录已过期。",
    "authentication_failed": "身份验证失败。",
    "permission_denied": "您没有执行此操作的权限。",
    "not_found": "未找到该对象。",
    "method_not_allowed": "不支持该请求方法。",
    "parse_error": "请求内容格式错误。",
    "throttled": "请求过于频繁，请稍后再试。",
    "unsupported_media_type": "不支持的内容类型。",
    "not_acceptable": "无法提供请求的内容格式。",
    "invalid": "输入有误。",
}


def _field_errors(detail: Any, zh: Any, en: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Flatten DRF's nested errors; `zh` and `en` are the same structure in each language (or None)."""
    out: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_field_errors(value, _child(zh, key), _child(en, key), name))
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            out.extend(_field_errors(item, _child(zh, index), _child(en, index), prefix))
    else:
        text = str(detail)
        if isinstance(zh, str) and isinstance(en, str):
            message_zh, message_en = zh, en
        else:
            message_zh, message_en = both_languages(text)
        out.append(
            {
                "field": prefix or "non_field_errors",
                "code": getattr(detail, "code", None) or "invalid",
                "message": message_zh,
                "message_en": message_en,
            }
        )
    return out


def _child(tree: Any, key: Any) -> Any:
    if isinstance(tree, dict):
        return tree.get(key)
    if isinstance(tree, list) and isinstance(key, int) and key < len(tree):
        return tree[key]
    return None


def _errors_in(language: str, serializer: Any) -> Any:
    clone = copy.copy(serializer)
    # Fresh fields too: DRF formats some messages (max_length, …) once per field instance and
    # keeps the text, in whatever language was active then.
    for cached in ("_errors", "_validated_data", "_data", "fields"):
        clone.__dict__.pop(cached, None)
    with translation.override(language):
        clone.is_valid()
        return clone.errors


def _rendered_again(detail: Any) -> tuple[Any, Any]:
    """A serializer's errors in Chinese and English, or (None, None) when they cannot be had."""
    serializer = getattr(detail, "serializer", None)
    if serializer is None or not hasattr(serializer, "initial_data"):
        return None, None
    return _errors_in(CHINESE, serializer), _errors_in("en", serializer)


def _english_detail(exc: drf_exceptions.APIException, request: Any) -> str:
    """The exception's message in English, for exceptions whose text is built from arguments."""
    with translation.override("en"):
        if isinstance(exc, drf_exceptions.MethodNotAllowed) and request is not None:
            return str(drf_exceptions.MethodNotAllowed(request.method).detail)
        if isinstance(exc, drf_exceptions.UnsupportedMediaType) and request is not None:
            return str(drf_exceptions.UnsupportedMediaType(request.content_type).detail)
        if isinstance(exc, drf_exceptions.Throttled):
            return str(drf_exceptions.Throttled(getattr(exc, "wait", None)).detail)
    return both_languages(str(exc.detail))[1]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    if request is not None:
        # One format for every error: JSON, even where the view renders YAML or HTML.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, drf_exceptions.APIException):
        return response
    if isinstance(exc, drf_exceptions.ValidationError):
        zh, en = _rendered_again(exc.detail)
        fields = _field_errors(exc.detail, zh, en)
        response.data = {
            "code": "invalid",
            "message": _DRF_MESSAGES_ZH["invalid"],
            "message_en": "Some fields are invalid.",
            "fields": fields,
        }
        return response
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else str(exc.default_code)
    response.data = {
        "code": code,
        "message": _DRF_MESSAGES_ZH.get(code) or both_languages(str(exc.detail))[0],
        "message_en": _english_detail(exc, request),
        "fields": [],
    }
    return response
