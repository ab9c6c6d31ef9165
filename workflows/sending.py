"""A message or signal to send, checked at the edge: name, id, correlation keys, payload."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from core.errors import FieldError, InvalidInput

MAX_NAME = 200
MAX_ID = 100
MAX_KEYS = 20
MAX_VALUE = 200
MAX_PAYLOAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class SendRequest:
    name: str
    message_id: str
    correlation: dict[str, str] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    # For a message that starts a process: the org unit it runs for, and its business key.
    org_unit: str = ""
    business_key: str = ""
    # For a signal: which waiting instances it reaches, {SCOPE key: value}; {} for all of them.
    scope: dict[str, str] = field(default_factory=dict)


# What a signal's scope may name: the model key, the org unit, the business key of the instances.
SCOPES = ("process", "org_unit", "business_key")


def _refuse(name: str, code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"The message cannot be sent: {en}.",
        f"消息无法发送：{zh}。",
        fields=[FieldError(name, code, zh, en)],
    )


def request_from(data: Any) -> SendRequest:
    """A SendRequest from what a client sent (a JSON object), or a clear refusal."""
    if not isinstance(data, dict):
        raise _refuse("body", "invalid", "请求体须为 JSON 对象", "the body must be a JSON object")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise _refuse(
            "name", "invalid", f"须为 1–{MAX_NAME} 个字符的名称", f"a name of 1-{MAX_NAME} characters"
        )
    message_id = data.get("message_id")
    if not isinstance(message_id, str) or not message_id.strip() or len(message_id) > MAX_ID:
        raise _refuse(
            "message_id",
            "invalid",
            f"须为 1–{MAX_ID} 个字符的编号，重发时使用同一编号",
            f"an id of 1-{MAX_ID} characters, the same one when sending again",
        )
    correlation = data.get("correlation", {})
    if not isinstance(correlation, dict) or len(correlation) > MAX_KEYS:
        raise _refuse(
            "correlation",
            "invalid",
            f"须为最多 {MAX_KEYS} 个键的对象",
            f"an object of at most {MAX_KEYS} keys",
        )
    keys: dict[str, str] = {}
    for key, value in correlation.items():
        if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > MAX_VALUE:
            raise _refuse(
                f"correlation.{key}",
                "invalid",
                f"关联键的值须为不超过 {MAX_VALUE} 个字符的文本或整数",
                f"a correlation value is text or an integer of at most {MAX_VALUE} characters",
            )
        keys[str(key)] = str(value)
    payload = data.get("payload", {})
    if not isinstance(payload, dict):
        raise _refuse("payload", "invalid", "须为 JSON 对象", "a JSON object")
    if len(json.dumps(payload, ensure_ascii=False).encode()) > MAX_PAYLOAD_BYTES:
        raise _refuse("payload", "too_large", "内容超过 64 KiB", "larger than 64 KiB")
    org_unit = data.get("org_unit", "")
    business_key = data.get("business_key", "")
    for field_name, value in (("org_unit", org_unit), ("business_key", business_key)):
        if not isinstance(value, str) or len(value) > MAX_ID:
            raise _refuse(
                field_name,
                "invalid",
                f"须为不超过 {MAX_ID} 个字符的文本",
                f"text of at most {MAX_ID} characters",
            )
    return SendRequest(
        name.strip(),
        message_id.strip(),
        keys,
        payload,
        org_unit.strip(),
        business_key.strip(),
        _scope(data.get("scope", {})),
    )


def _scope(scope: Any) -> dict[str, str]:
    if not isinstance(scope, dict):
        raise _refuse("scope", "invalid", "须为 JSON 对象", "a JSON object")
    checked: dict[str, str] = {}
    for key, value in scope.items():
        if key not in SCOPES:
            raise _refuse(
                f"scope.{key}",
                "unknown",
                f"范围只能是 {'、'.join(SCOPES)}",
                f"a scope is one of {', '.join(SCOPES)}",
            )
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
            raise _refuse(
                f"scope.{key}",
                "invalid",
                f"须为 1–{MAX_ID} 个字符的文本",
                f"text of 1-{MAX_ID} characters",
            )
        checked[key] = value.strip()
    return checked
