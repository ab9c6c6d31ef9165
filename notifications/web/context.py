"""The unread count every page's header shows (one indexed count, capped)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..models import Notification

CAP = 99


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = Notification.objects.filter(recipient=user, read_at__isnull=True)[: CAP + 1].count()
    return {"nav_unread_notifications": min(count, CAP), "nav_unread_capped": count > CAP}
