"""One error format for the whole API: {"code", "message" (zh), "message_en", "fields": [...]}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import ServiceError

_DRF_MESSAGES_ZH = {
    "not_authenticated": "未登录或登录已过期。",
    "authentication_failed": "身份验证失败。",
    "permission_denied": "您没有执行此操作的权限。",
    "not_found": "未找到该对象。",
    "method_not_allowed": "不支持该请求方法。",
    "parse_error": "请求内容格式错误。",
    "throttled": "请求过于频繁，请稍后再试。",
    "unsupported_media_type": "不支持的内容类型。",
    "invalid": "输入有误。",
}


def _field_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_field_errors(value, name))
    elif isinstance(detail, list):
        for item in detail:
            out.extend(_field_errors(item, prefix))
    else:
        code = getattr(detail, "code", "invalid")
        out.append(
            {
                "field": prefix or "non_field_errors",
                "code": code,
                "message": str(detail),
                "message_en": str(detail),
            }
        )
    return out


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, drf_exceptions.APIException):
        return response
    code = exc.get_codes() if isinstance(exc, drf_exceptions.ValidationError) else exc.default_code
    code_str = code if isinstance(code, str) else "invalid"
    fields = _field_errors(exc.detail) if isinstance(exc, drf_exceptions.ValidationError) else []
    message_en = str(exc.detail) if not fields else "Some fields are invalid."
    response.data = {
        "code": code_str,
        "message": _DRF_MESSAGES_ZH.get(code_str, "请求被拒绝。"),
        "message_en": message_en,
        "fields": fields,
    }
    return response
