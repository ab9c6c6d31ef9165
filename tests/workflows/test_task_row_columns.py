"""workflows/rows.py writes HumanTask rows in plain SQL (new rows travel as a jsonb array read by
jsonb_populate_recordset), not through the ORM: a column whose values it cannot encode would
fail, or lose its value, only when a turn opens a task. These tests fail as soon as the model
gains such a column, with a message saying what to teach rows.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import models

from core.db import tail
from core.service import write_transaction
from tests.personas import OPERATOR_A, Cast
from workflows import instances, rows
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

pytestmark = pytest.mark.django_db

_MOMENT = datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=UTC)


def _text(field: models.Field[Any, Any], seed: str) -> str:
    # Quotes, backslashes and characters outside ASCII: what a JSON text must escape or keep.
    sample = f"{seed} \"引号\" \\ '岳阳' \u2028"
    limit = getattr(field, "max_length", None)
    return sample[:limit] if limit else sample * 20


def sample_value(field: models.Field[Any, Any], related: dict[str, Any], n: int) -> Any:
    """A value unlike the field's default, of the kind rows.py knows how to write."""
    kind = field.get_internal_type()
    if isinstance(field, models.ForeignKey):
        return related[field.name]
    if kind in ("CharField", "TextField", "SlugField"):
        return _text(field, field.name)
    if kind in ("DateTimeField",):
        return _MOMENT + timedelta(minutes=n)
    if kind in ("UUIDField",):
        return uuid.uuid4()
    if kind in ("IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField"):
        return 1000 + n
    if kind in ("PositiveSmallIntegerField", "PositiveBigIntegerField"):
        return 10 + n
    if kind == "BooleanField":
        return not field.get_default()
    if kind == "JSONField":
        return {"n": n, "list": [1.5, "二", None, True]}
    pytest.fail(
        f"HumanTask.{field.name} is a {kind}: teach workflows/rows.py (_json_value) to write it, "
        "then give it a sample value here."
    )


@pytest.fixture
def instance(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]) -> ProcessInstance:
    deploy_fixture("approval")
    return instances.start_instance(
        "approval", actor=cast.operator_a, business_key="COLS-1", org_unit_code=OPERATOR_A
    )


def populated_task(instance: ProcessInstance, cast: Cast) -> HumanTask:
    related = {
        "instance": instance,
        "assignee": cast.operator_a,
        "claimed_by": cast.office_a,
        "completed_by": cast.operator_a,
        "owner": cast.office_a,
        "added_by": cast.office_a,
        "added_to": instance.human_tasks.first(),
    }
    task = HumanTask(id=rows.TaskIds().take(1)[0])
    for n, field in enumerate(HumanTask._meta.concrete_fields):
        if field.primary_key:
            continue
        if isinstance(field, models.ForeignKey) and field.name not in related:
            pytest.fail(f"HumanTask.{field.name} refers to {field.related_model}: add a sample row here.")
        setattr(task, field.name, sample_value(field, related, n))
    return task


def stored_values(task: HumanTask) -> dict[str, Any]:
    return {field.attname: getattr(task, field.attname) for field in HumanTask._meta.concrete_fields}


def test_every_column_of_a_new_task_row_is_written_as_given(cast: Cast, instance: ProcessInstance) -> None:
    task = populated_task(instance, cast)
    expected = stored_values(task)
    with write_transaction():
        tail.defer(*rows.turn_statements(instance, None, [task]))
    assert stored_values(HumanTask.objects.get(pk=task.pk)) == expected


def test_the_columns_of_a_completed_task_are_written_as_given(cast: Cast, instance: ProcessInstance) -> None:
    (task,) = instance.human_tasks.all()
    task.status = HumanTask.Status.COMPLETED
    task.completed_at = _MOMENT
    task.completed_by = cast.operator_a
    task.assignee = cast.operator_a
    task.claimed_by = cast.office_a
    task.claimed_at = _MOMENT - timedelta(hours=1)
    task.opinion = "同意。"
    expected = stored_values(task)
    with write_transaction():
        tail.defer(*rows.turn_statements(instance, task, []))
    assert stored_values(HumanTask.objects.get(pk=task.pk)) == expected
