from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.test import Client

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db


def test_admin_shows_events_but_offers_no_changes(superuser: AbstractUser) -> None:
    with transaction.atomic():
        event = record(Action.MODEL_DEPLOYED, actor=superuser, target_type="process_model", target_id="m-1")
    client = Client()
    client.force_login(superuser)  # type: ignore[arg-type]  # the default User model
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    response = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"reason": "forged"})
    assert response.status_code == 403
    assert AuditEvent.objects.get().reason == ""
