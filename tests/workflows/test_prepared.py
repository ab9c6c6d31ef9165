"""The engine's fixed statements are prepared on the server, and still behave without it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.prepared import prepared_cursor
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, InstanceStatus, ProcessModelVersion

pytestmark = pytest.mark.django_db


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


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
    statements = "\n".join(prepared_statements())
    assert "FOR UPDATE OF i, t" in statements  # the completion's lock
    assert "jsonb_populate_recordset" in statements  # the turn's write
    assert "audit_append" in statements


@pytest.fixture
def without_prepared_statements() -> Iterator[None]:
    """What DATABASE_PREPARED_STATEMENTS=0 gives psycopg: no prepare threshold on the connection."""
    connection.ensure_connection()
    raw = connection.connection
    saved = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = saved


def test_without_prepared_statements_the_engine_works_the_same(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], without_prepared_statements: None
) -> None:
    deploy_fixture("approval")
    before = set(prepared_statements())
    walk_one_step(cast)
    assert set(prepared_statements()) == before


def test_prepared_cursor_is_seen_by_execute_wrappers() -> None:
    seen: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy), prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int + 1", [41])
        assert cursor.fetchone() == (42,)
    assert seen == ["SELECT %s::int + 1"]


def test_the_query_log_shows_the_statements_with_their_values(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]
) -> None:
    deploy_fixture("approval")
    with CaptureQueriesContext(connection) as captured:
        walk_one_step(cast)
    logged = [query["sql"] for query in captured.captured_queries]
    assert None not in logged
    assert any("audit_append" in sql and "task.completed" in sql for sql in logged)
