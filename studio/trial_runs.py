"""Test runs from the studio: a process admin starts an instance of a deployed version to walk it
through (workflows/test_runs.py says what makes it a test), and lists their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.service import Actor
from workflows import instances, registry
from workflows.models import HumanTask, ProcessInstance

SHOWN = 10


def start(key: str, version_number: int | None, *, actor: Actor) -> ProcessInstance:
    """Start a test run of `key` (its newest version unless `version_number`) in the admin's own
    org unit: the lanes resolve as they would there, and every task goes to the admin."""
    _role, org_unit = registry.directory().describe(actor)  # type: ignore[arg-type]
    return instances.start_instance(
        key,
        actor=actor,
        version_number=version_number,
        org_unit_code=org_unit,
        subject=f"试运行 test run · {key}",
        test=True,
    )


def of(user: Any, key: str) -> QuerySet[ProcessInstance]:
    """The user's own test runs of the model, newest first."""
    return (
        ProcessInstance.objects.filter(is_test=True, started_by_id=user.pk, version__process_model__key=key)
        .select_related("version")
        .order_by("-id")[:SHOWN]
    )


def next_task(instance: ProcessInstance) -> HumanTask | None:
    """The test run's first open task, where the admin goes after starting or completing a step."""
    return instance.human_tasks.filter(status=HumanTask.Status.OPEN).order_by("id").first()
