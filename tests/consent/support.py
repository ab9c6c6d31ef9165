"""What the consent tests share: the bodies each channel posts, and what a refusal must leave alone."""

from __future__ import annotations

from typing import Any

from django.test import Client

from audit.models import AuditEvent
from casemgmt.consent.notice import current_version
from casemgmt.models import CaseNumberSequence, ConsentRecord, Enterprise, ServiceCase
from tests.factories import valid_uscc


def written() -> tuple[int, ...]:
    """Everything an intake writes: a refused one must change none of it."""
    return (
        ServiceCase.objects.count(),
        Enterprise.objects.count(),
        AuditEvent.objects.count(),
        ConsentRecord.objects.count(),
        sum(CaseNumberSequence.objects.values_list("last_number", flat=True)),
    )


def fields(n: int = 61, **changes: Any) -> dict[str, Any]:
    """A valid request for project fangsong, without any consent."""
    body: dict[str, Any] = {
        "project_code": "fangsong",
        "credit_code": valid_uscc(n),
        "enterprise_name": "上海松江告知测试有限公司",
        "contact_name": "周经理",
        "contact_phone": "13912340000",
        "need": "需要计量器具检定服务。",
        "catalogue_items": ["metrology.1"],
    }
    body.update(changes)
    return body


def form_consent(version: str | None = None) -> dict[str, str]:
    """The box ticked on a page that showed `version` (the current one by default)."""
    return {"consent": "on", "notice_version": version or current_version()}


def api_consent(version: str | None = None) -> dict[str, Any]:
    return {"consent": {"notice_version": version or current_version()}}


def client(user: Any = None, language: str = "en") -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser
