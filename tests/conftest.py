"""Fixtures shared by the whole suite: the database, the cast of personas, diagrams."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from audit.testing import allow_truncate_in_test_database
from config.celery import app as celery_app
from workflows import registry
from workflows.deploy import bundle_for, deploy
from workflows.models import ProcessModelVersion

from .catalogues import compile_catalogues, forget_loaded_translations
from .handlers import record_handler
from .personas import Cast, build_cast
from .static_scan import static_files_scanned_once

pytest_plugins = ["tests.live_worker", "tests.browser_support"]

# Under xdist each test process has its own test database, so each needs its own Celery queue:
# a worker started by one process must never take a task another process sent.
if os.environ.get("PYTEST_XDIST_WORKER"):
    celery_app.conf.task_default_queue = (
        f"{celery_app.conf.task_default_queue}-{os.environ['PYTEST_XDIST_WORKER']}"
    )


def pytest_configure(config: pytest.Config) -> None:
    # The UI is Chinese by default, from locale/*.mo: build output that a fresh clone lacks
    # until scripts/_setup.sh runs. Compile them here too (only where missing or stale; every
    # xdist worker may do it, the writes are atomic) so the suite never sees the English msgids
    # where users see Chinese.
    if compile_catalogues():
        forget_loaded_translations()


BPMN_DIR = Path(__file__).parent / "workflows" / "bpmn"


@pytest.fixture(autouse=True, scope="session")
def static_files() -> Iterator[None]:
    with static_files_scanned_once():
        yield


@pytest.fixture(autouse=True, scope="session")
def test_handlers() -> Iterator[None]:
    registry.register_service_handler("test_record", record_handler)
    yield
    registry.unregister_service_handler("test_record")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    # Transactional tests end with a flush (TRUNCATE of every table), which the append-only
    # audit triggers refuse unless the test database opts in.
    with django_db_blocker.unblock():
        allow_truncate_in_test_database(connection)
    yield


@pytest.fixture
def triggers_off() -> Iterator[None]:
    """Play the attacker who went around the application (and the audit table's triggers)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def api() -> Callable[[Any], APIClient]:
    def client_for(user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


def deploy_test_diagram(stem: str) -> ProcessModelVersion:
    """Deploy a diagram from tests/workflows/bpmn by file stem (with its forms and DMN)."""
    outcome = deploy(bundle_for(BPMN_DIR / f"{stem}.bpmn"), actor=None, model_key=stem)
    assert outcome.version is not None
    return outcome.version


@pytest.fixture
def deploy_fixture(db: None) -> Callable[[str], ProcessModelVersion]:
    return deploy_test_diagram
