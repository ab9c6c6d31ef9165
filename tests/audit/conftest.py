from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from rest_framework.test import APIClient

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import record


@pytest.fixture
def superuser(django_user_model: type[AbstractUser]) -> AbstractUser:
    return django_user_model.objects.create_superuser("auditor-root", "root@example.com", "pw-12345678")


@pytest.fixture
def plain_user(django_user_model: type[AbstractUser]) -> AbstractUser:
    return django_user_model.objects.create_user("clerk", "clerk@example.com", "pw-12345678")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_event() -> Callable[..., AuditEvent]:
    """Record one event with sensible defaults; keyword arguments override them."""

    def make(action: Action | str = Action.TASK_CREATED, **overrides: Any) -> AuditEvent:
        fields: dict[str, Any] = {"target_type": "human_task", "target_id": "1"}
        fields.update(overrides)
        with transaction.atomic():
            return record(action, **fields)

    return make
