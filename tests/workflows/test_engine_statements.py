"""The engine on its fixed statements (core/db/statements.py, core/db/wire.py): a completion in
two round trips, the lock, turn and audit statements prepared, and the same results without
prepared statements or without the pipeline.

Transactional tests: the point is what the server sees of the transaction, which the usual
test transaction would hide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from psycopg import pq

from core.db.statements import execute
from core.errors import InvalidInput
from tests.personas import OPERATOR_A, Cast
from tests.workflows.statement_support import prepared, server_status
from workflows import human_tasks, instances
from workflows.models import HumanTask, InstanceStatus, ProcessInstance, ProcessModelVersion

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_outermost_completion_takes_two_round_trips(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    deploy_fixture("approval")

    def submit(business_key: str) -> ProcessInstance:
        instance = instances.start_instance(
            "approval", actor=cast.operator_a, business_key=business_key, org_unit_code=OPERATOR_A
        )
        task = instance.human_tasks.get(status=HumanTask.Status.OPEN)
        human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
        return instance

    submit("SQ-PIPE-0")  # fills the per-process caches (org units, memberships) a request would find full
    sent: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        sent.append(context.get("travels_with", "") or sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        instance = submit("SQ-PIPE-1")
    # Start and completion: each first statement carried BEGIN, each last one COMMIT (with the
    # rows and audit events); the only other statement is the test's own task lookup.
    assert sent[:2] == ["BEGIN", "COMMIT"] and sent[-2:] == ["BEGIN", "COMMIT"]
    assert len(sent) == 5
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.RUNNING
    assert instance.human_tasks.filter(status=HumanTask.Status.OPEN).get().task_spec == "office_review"


def walk_one_step(cast: Cast) -> None:
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-P-1", org_unit_code=OPERATOR_A
    )
    task = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.RUNNING
    assert instance.human_tasks.filter(status=HumanTask.Status.OPEN).get().task_spec == "office_review"


def test_lock_turn_and_audit_statements_are_prepared(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    deploy_fixture("approval")
    walk_one_step(cast)
    statements = "\n".join(prepared().values())
    assert "FOR UPDATE OF i, t" in statements  # the completion's lock
    assert "jsonb_populate_recordset" in statements  # the turn's write
    assert "audit_append" in statements


def test_without_prepared_statements_the_engine_works_the_same(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], without_prepared_statements: None
) -> None:
    deploy_fixture("approval")
    before = set(prepared().values())
    walk_one_step(cast)
    assert set(prepared().values()) == before


@pytest.fixture
def without_pipeline(settings: Any) -> None:
    """DATABASE_PIPELINE=0: every statement through an ordinary cursor, BEGIN and COMMIT apart."""
    settings.NQI_PIPELINE = False


def test_without_the_pipeline_the_engine_works_the_same(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], without_pipeline: None
) -> None:
    deploy_fixture("approval")
    before = set(prepared().values())
    travelled: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        travelled.append(context.get("travels_with", ""))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        walk_one_step(cast)
    assert travelled and not any(travelled)  # BEGIN and COMMIT went on their own
    assert set(prepared().values()) == before
    assert server_status() == pq.TransactionStatus.IDLE


def test_psycopg_prepares_nothing_of_its_own(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    # Its statements would make it DEALLOCATE ALL after every rollback, ours with them.
    deploy_fixture("approval")
    walk_one_step(cast)
    assert not [name for name in prepared() if not name.startswith("nqi_")]


def test_a_rollback_leaves_the_prepared_statements_in_place(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    deploy_fixture("approval")
    walk_one_step(cast)
    before = set(prepared())
    with pytest.raises(RuntimeError), transaction.atomic():
        execute(("SELECT %s::int", [1]))
        raise RuntimeError("roll back")
    assert before <= set(prepared())


def test_the_query_log_shows_the_statements_with_their_values(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    deploy_fixture("approval")
    with CaptureQueriesContext(connection) as captured:
        walk_one_step(cast)
    logged = [query["sql"] for query in captured.captured_queries]
    assert None not in logged
    assert any("audit_append" in sql and "task.completed" in sql for sql in logged)


def test_a_refused_completion_then_a_good_one_on_the_same_connection(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    # The refusal rolls back after the lock was prepared and ran; the retry reuses that statement.
    deploy_fixture("approval")
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key="SQ-P-2", org_unit_code=OPERATOR_A
    )
    task = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    with pytest.raises(InvalidInput):
        human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "", "amount": "three"})
    human_tasks.complete(task.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    task.refresh_from_db()
    assert task.status == HumanTask.Status.COMPLETED
