"""The demo programme on a database the earlier seeds have not prepared: a clear error that names
the command to run first, and nothing written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from workflows.models import ProcessInstance

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
pytestmark = pytest.mark.django_db


def test_without_the_diagrams_it_says_to_deploy_them() -> None:
    with pytest.raises(CommandError, match="deploy_bpmn"):
        call_command("seed_demo_programme", stdout=io.StringIO())
    assert not AuditEvent.objects.exists() and not ProcessInstance.objects.exists()


def test_without_the_demo_users_it_says_to_run_seed_demo() -> None:
    call_command("deploy_bpmn", str(BPMN), stdout=io.StringIO())
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_programme", stdout=io.StringIO())
    assert AuditEvent.objects.count() == events and not get_user_model().objects.exists()
