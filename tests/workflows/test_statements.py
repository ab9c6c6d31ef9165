"""The engine's fixed statements (core/db/statements.py, core/db/wire.py): prepared on the server,
BEGIN and COMMIT travelling with a transaction's first and last statements, and the same results
without either.

Transactional tests: the point is what the server sees of the transaction, which the usual
test transaction would hide.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DataError
from django.test.utils import CaptureQueriesContext
from psycopg import pq

from core.db import wire
from core.db.statements import execute, execute_and_commit, named
from tests.workflows.statement_support import prepared_names, server_status
from workflows.models import ProcessModel, ProcessModelVersion

pytestmark = pytest.mark.django_db(transaction=True)

_INSERT_MODEL = (
    "INSERT INTO workflows_processmodel (key, name, created_at) VALUES (%s, %s, now()) RETURNING id, key"
)
# A version of a model that does not exist: its deferred foreign key fails at COMMIT, not before.
_INSERT_ORPHAN_VERSION = (
    "INSERT INTO workflows_processmodelversion (number, content_hash, files, main_process_id, deployed_at, "
    "process_model_id) VALUES (1, 'x', '{}', 'p', now(), %s)"
)


def seen_by_another_connection(key: str) -> bool:
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"], host=params["HOST"] or None, port=params["PORT"] or None, user=params["USER"]
    ) as other:
        row = other.execute("SELECT count(*) FROM workflows_processmodel WHERE key = %s", [key]).fetchone()
    assert row is not None
    return bool(row[0])


@pytest.fixture
def notices() -> Iterator[list[str]]:
    """Server notices on our connection: a second BEGIN would warn "already a transaction"."""
    connection.ensure_connection()
    heard: list[str] = []

    def listen(diagnostic: psycopg.errors.Diagnostic) -> None:
        heard.append(diagnostic.message_primary or "")

    connection.connection.add_notice_handler(listen)
    yield heard
    connection.connection.remove_notice_handler(listen)


def test_execute_opens_the_transaction_itself(notices: list[str]) -> None:
    with transaction.atomic():
        rows = execute((_INSERT_MODEL, ["p-begin", "开始"]))
        assert rows[0][1] == "p-begin"
        assert server_status() == pq.TransactionStatus.INTRANS
        with connection.cursor() as cursor:  # psycopg sends no BEGIN of its own now
            cursor.execute("SELECT count(*) FROM workflows_processmodel")
    assert notices == []
    assert ProcessModel.objects.filter(key="p-begin").exists()


def test_what_the_first_statement_wrote_rolls_back_with_the_block() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        execute((_INSERT_MODEL, ["p-undone", "撤销"]))
        raise RuntimeError("the caller fails after the first statement")
    assert not ProcessModel.objects.filter(key="p-undone").exists()


def test_execute_outside_a_transaction_just_runs_the_statement() -> None:
    rows = execute((_INSERT_MODEL, ["p-autocommit", "自动提交"]))
    assert rows[0][1] == "p-autocommit"
    assert seen_by_another_connection("p-autocommit")


def test_a_failing_first_statement_leaves_the_connection_usable() -> None:
    with pytest.raises(DataError), transaction.atomic():
        execute(("SELECT 1 / %s", [0]))
    assert server_status() == pq.TransactionStatus.IDLE
    # Usable: the next transaction's statement goes through the same plumbing and commits.
    with transaction.atomic():
        rows = execute((_INSERT_MODEL, ["p-after-error", "出错之后"]))
    assert rows[0][1] == "p-after-error"
    assert seen_by_another_connection("p-after-error")


def test_execute_and_commit_commits_before_the_block_ends(notices: list[str]) -> None:
    hooks: list[str] = []
    with transaction.atomic():
        execute((_INSERT_MODEL, ["p-first", "第一"]))
        transaction.on_commit(lambda: hooks.append("ran"))
        rows = execute_and_commit((_INSERT_MODEL, ["p-last", "最后"]), binary_results=True)
        assert rows[0][1] == "p-last"
        # Committed already: another connection sees both rows, and Django's commit has nothing to do.
        assert server_status() == pq.TransactionStatus.IDLE
        assert seen_by_another_connection("p-first") and seen_by_another_connection("p-last")
        assert hooks == []
    assert hooks == ["ran"]  # on-commit hooks still run when the block ends
    assert notices == []


def test_a_transaction_of_one_statement_is_one_round_trip() -> None:
    seen: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        seen.append(context.get("travels_with", ""))
        return execute(sql, params, many, context)

    hooks: list[str] = []
    with connection.execute_wrapper(spy), transaction.atomic():
        transaction.on_commit(lambda: hooks.append("ran"))
        execute_and_commit((_INSERT_MODEL, ["p-alone", "独自"]))
        assert server_status() == pq.TransactionStatus.IDLE
        assert seen_by_another_connection("p-alone")
    assert seen == ["BEGIN + COMMIT"]
    assert hooks == ["ran"]


def test_a_failing_statement_alone_commits_nothing() -> None:
    ProcessModel.objects.create(key="p-alone-taken", name="已有")
    with pytest.raises(IntegrityError), transaction.atomic():
        execute_and_commit((_INSERT_MODEL, ["p-alone-taken", "重复"]))
    assert server_status() == pq.TransactionStatus.IDLE
    assert ProcessModel.objects.filter(key="p-alone-taken").count() == 1


def test_a_failing_last_statement_commits_nothing() -> None:
    ProcessModel.objects.create(key="p-taken", name="已有")
    with pytest.raises(IntegrityError), transaction.atomic():
        execute((_INSERT_MODEL, ["p-before", "之前"]))
        execute_and_commit((_INSERT_MODEL, ["p-taken", "重复"]))
    assert not ProcessModel.objects.filter(key="p-before").exists()
    assert ProcessModel.objects.filter(key="p-taken").count() == 1
    assert server_status() == pq.TransactionStatus.IDLE


def test_a_failing_commit_commits_nothing() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        execute((_INSERT_MODEL, ["p-orphaned", "孤儿"]))
        execute_and_commit((_INSERT_ORPHAN_VERSION, [987654321]))
    assert not ProcessModel.objects.filter(key="p-orphaned").exists()
    assert not ProcessModelVersion.objects.filter(process_model_id=987654321).exists()


def test_execute_and_commit_refuses_to_end_a_nested_block() -> None:
    with transaction.atomic(), transaction.atomic():
        with pytest.raises(RuntimeError, match="outermost"):
            execute_and_commit(("SELECT 1", []))
        assert server_status() == pq.TransactionStatus.INTRANS


def test_while_queries_are_logged_statements_run_through_a_cursor() -> None:
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        execute((_INSERT_MODEL, ["p-logged", "记录"]))
        execute_and_commit(("SELECT %s::int", [7]))
    logged = [query["sql"] for query in captured.captured_queries]
    assert logged[0] == "BEGIN"
    assert "p-logged" in logged[1]
    assert logged[-1] == "COMMIT"


def test_execute_wrappers_see_the_statements_and_what_travels_with_them() -> None:
    seen: list[tuple[str, str]] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        seen.append((sql, context.get("travels_with", "")))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy), transaction.atomic():
        execute((_INSERT_MODEL, ["p-wrapped", "包装"]))
        execute_and_commit(("SELECT %s::int", [1]))
    assert seen == [(_INSERT_MODEL, "BEGIN"), ("SELECT %s::int", "COMMIT")]


@pytest.mark.parametrize("binary_results", [False, True])
def test_values_go_in_and_come_back_as_a_cursor_would_give_them(binary_results: bool) -> None:
    moment = datetime(2026, 11, 27, 3, 4, 5, 678901, tzinfo=UTC)
    key = uuid.uuid4()
    values = [7, 2**40, "计量 'quoted'", None, moment, key, True]
    sql = "SELECT %s::int, %s::bigint, %s::text, %s::text, %s::timestamptz, %s::uuid, %s::bool"
    with transaction.atomic():
        row = execute((sql, values), binary_results=binary_results)[0]
    assert row == (7, 2**40, "计量 'quoted'", None, moment, key, True)


def test_statements_are_prepared_once_per_connection() -> None:
    before = prepared_names()
    for n in range(3):
        with transaction.atomic():
            execute(("SELECT %s::int + 40", [n]))
    assert len(prepared_names() - before) == 1


def test_a_statement_deallocated_behind_our_back_is_prepared_again() -> None:
    with transaction.atomic():
        execute(("SELECT %s::int * 2", [1]))
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(Exception, match="does not exist"), transaction.atomic():
        execute(("SELECT %s::int * 2", [2]))
    with transaction.atomic():
        assert execute(("SELECT %s::int * 2", [3])) == [(6,)]


def test_without_prepared_statements_nothing_is_prepared(without_prepared_statements: None) -> None:
    before = prepared_names()
    with transaction.atomic():
        assert execute(("SELECT %s::int - 1", [1])) == [(0,)]
        execute_and_commit(("SELECT %s::int", [2]))
    assert prepared_names() == before


def test_an_interrupted_exchange_drops_the_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(pgconn: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(wire, "_send_and_read", interrupted)
    connection.ensure_connection()
    half_spoken = connection.connection
    with pytest.raises(KeyboardInterrupt), transaction.atomic():
        execute(("SELECT 1", []))
    monkeypatch.undo()
    # That connection is closed, never reused; the next statement gets a new one.
    assert half_spoken.closed
    assert connection.connection is not half_spoken
    # The new connection works for our statements and the ORM alike.
    assert execute((_INSERT_MODEL, ["p-after-interrupt", "中断之后"]))[0][1] == "p-after-interrupt"
    assert ProcessModel.objects.filter(key="p-after-interrupt").exists()


@pytest.mark.parametrize("binary_results", [False, True])
def test_named_placeholders_become_positional_ones_in_order(binary_results: bool) -> None:
    statement = named("SELECT %(a)s::int + %(b)s::int, %(a)s::text, ARRAY[%(b)s::int]", {"b": 2, "a": 40})
    assert statement == ("SELECT %s::int + %s::int, %s::text, ARRAY[%s::int]", [40, 2, 40, 2])
    assert execute(statement, binary_results=binary_results) == [(42, "40", [2])]


def test_a_named_statement_without_a_value_for_a_name_is_refused() -> None:
    with pytest.raises(KeyError, match="missing"):
        named("SELECT %(missing)s", {"other": 1})
