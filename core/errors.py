"""The one error type that services raise for refusals the caller can act on.

Every message exists in Chinese (what users read) and English; field errors name the field
and a machine-readable reason so clients can place them next to the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation


def in_chinese(text: object) -> str:
    """A lazily translated text (e.g. a choice's `.label`) in Chinese, for a `message_zh`: the
    request's language must not leak English into the Chinese message."""
    with translation.override("zh-hans"):
        return str(text)


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message_zh: str
    message_en: str
    extra: dict[str, Any] = dataclass_field(default_factory=dict)

    @classmethod
    def from_validation(cls, field: str, error: ValidationError, code: str = "") -> FieldError:
        """A Django validator's refusal (its message lazily translated) in Chinese and English."""
        message = error.error_list[0].message if error.error_list else ""
        with translation.override("en"):
            english = str(message)
        return cls(field, code or error.code or "invalid", in_chinese(message), english)

    def as_dict(self) -> dict[str, Any]:
        data = {
            "field": self.field,
            "code": self.code,
            "message": self.message_zh,
            "message_en": self.message_en,
        }
        data.update(self.extra)
        return data


class ServiceError(Exception):
    """A refused request. `status` is the HTTP status an API should answer with."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message_en: str,
        message_zh: str,
        *,
        code: str | None = None,
        fields: list[FieldError] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh
        self.fields = fields or []
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def message_for(self, language: str | None) -> str:
        """The message in the page's language (zh-hans unless English was chosen)."""
        return self.message_en if (language or "").startswith("en") else self.message_zh

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message_zh,
            "message_en": self.message_en,
            "fields": [f.as_dict() for f in self.fields],
        }


class InvalidInput(ServiceError):
    status = 400
    code = "invalid"

    @classmethod
    def on_field(cls, field: str, code: str, message_zh: str, message_en: str) -> InvalidInput:
        """One field refused, its reason the message as well."""
        return cls(message_en, message_zh, fields=[FieldError(field, code, message_zh, message_en)])


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"
