"""The write transaction's tail (core/db/tail.py): deferred statements travel with the block's
last statement and its COMMIT, and are there for anything that reads before.

Transactional tests: what matters is what the server has seen, and when it committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction

from core.db import tail
from core.db.statements import Rows, Statement
from workflows.models import ProcessModel

pytestmark = pytest.mark.django_db(transaction=True)

_INSERT = "INSERT INTO workflows_processmodel (key, name, created_at) VALUES (%s, %s, now())"
_RENAME = "UPDATE workflows_processmodel SET name = %s WHERE key = %s"
_COUNT: Statement = ("SELECT count(*) FROM workflows_processmodel", [])


def insert(key: str) -> Statement:
    return _INSERT, [key, key]


def committed(key: str) -> bool:
    """Whether another connection sees the row: committed, not merely sent."""
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"], host=params["HOST"] or None, port=params["PORT"] or None, user=params["USER"]
    ) as other:
        row = other.execute("SELECT count(*) FROM workflows_processmodel WHERE key = %s", [key]).fetchone()
    assert row is not None
    return bool(row[0])


Sent = list[tuple[str, str]]


@pytest.fixture
def sent() -> Iterator[Sent]:
    """(statement's first words, what travelled with it) for every statement sent."""
    seen: Sent = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        seen.append((" ".join(sql.split()[:3]), context.get("travels_with", "")))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        yield seen


def test_the_tail_goes_with_the_commit_in_one_statement(sent: Sent) -> None:
    with tail.block():
        tail.defer(insert("t-a"), insert("t-b"))
        tail.defer(insert("t-c"))
        assert sent == []  # nothing sent yet, not even BEGIN
    assert sent == [("WITH w0 AS", "BEGIN + COMMIT")]  # the whole transaction: one round trip
    assert committed("t-a") and committed("t-b") and committed("t-c")


def test_a_read_inside_the_block_finds_the_rows_written(sent: Sent) -> None:
    wrappers = list(connection.execute_wrappers)
    with tail.block():
        tail.defer(insert("t-read"))
        assert ProcessModel.objects.filter(key="t-read").exists()  # the ORM read flushed the tail
        assert not committed("t-read")
        assert connection.execute_wrappers == wrappers  # the watch ends with the flush
        tail.defer((_RENAME, ["renamed", "t-read"]))
    assert ProcessModel.objects.get(key="t-read").name == "renamed"
    assert [travels for _, travels in sent] == ["BEGIN", "", "COMMIT", ""]


def test_a_block_that_defers_nothing_watches_nothing() -> None:
    wrappers = list(connection.execute_wrappers)
    with tail.block():
        assert ProcessModel.objects.count() == 0
        assert connection.execute_wrappers == wrappers
    assert connection.execute_wrappers == wrappers


def test_a_failing_block_sends_nothing(sent: Sent) -> None:
    wrappers = list(connection.execute_wrappers)
    with pytest.raises(RuntimeError), tail.block():
        tail.defer(insert("t-failed"))
        raise RuntimeError("the caller fails")
    assert sent == []
    assert connection.execute_wrappers == wrappers
    assert not ProcessModel.objects.filter(key="t-failed").exists()


def test_a_nested_block_adds_to_the_outer_tail() -> None:
    with tail.block():
        outer = tail.current()
        with tail.block():
            assert tail.current() is outer
            tail.defer(insert("t-inner"))
        tail.defer(insert("t-outer"))
        assert not committed("t-inner")
    assert committed("t-inner") and committed("t-outer")


def test_what_a_rolled_back_savepoint_deferred_is_dropped() -> None:
    with tail.block():
        tail.defer(insert("t-kept"))
        with pytest.raises(RuntimeError), transaction.atomic():
            tail.defer(insert("t-dropped"))
            raise RuntimeError("the savepoint rolls back")
        with pytest.raises(RuntimeError), tail.block():  # a nested write block alike
            tail.defer(insert("t-dropped-too"))
            raise RuntimeError("the nested write fails")
    assert committed("t-kept")
    assert not committed("t-dropped") and not committed("t-dropped-too")


def test_the_final_statement_comes_last_with_the_deferred_ones_as_its_ctes(sent: Sent) -> None:
    received: list[Rows] = []
    with tail.block():
        tail.defer(insert("t-first"))
        assert tail.end_with(("SELECT %s::int", [7]), received.append)
        with pytest.raises(RuntimeError, match="final"):
            tail.defer(insert("t-too-late"))
        with pytest.raises(RuntimeError, match="COMMIT"):
            ProcessModel.objects.count()  # nothing but COMMIT runs after the final statement
        with pytest.raises(RuntimeError, match="already"):
            tail.end_with(("SELECT 1", []), received.append)
    assert received == [[(7,)]]
    assert sent == [("WITH w0 AS", "BEGIN + COMMIT")]
    assert committed("t-first") and not committed("t-too-late")


def test_outside_a_block_statements_run_at_once() -> None:
    with transaction.atomic():
        tail.defer(insert("t-now"), insert("t-now-too"))
        assert tail.current() is None
        assert ProcessModel.objects.filter(key__startswith="t-now").count() == 2
        assert not tail.end_with(("SELECT 1", []), lambda rows: None)
    assert committed("t-now")


def test_inside_a_plain_transaction_the_tail_leaves_the_commit_to_it(sent: Sent) -> None:
    with transaction.atomic():
        ProcessModel.objects.create(key="t-before", name="before")
        with tail.block():
            tail.defer(insert("t-inside"))
        assert ("WITH w0 AS", "COMMIT") not in sent and ("INSERT INTO workflows_processmodel", "") in sent
        assert not committed("t-inside")  # sent, not committed: the outer block commits
    assert committed("t-before") and committed("t-inside")


def test_a_failing_tail_rolls_the_block_back() -> None:
    ProcessModel.objects.create(key="t-taken", name="taken")
    with pytest.raises(Exception, match="duplicate key"), tail.block():
        ProcessModel.objects.create(key="t-earlier", name="earlier")
        tail.defer(insert("t-taken"))
    assert not committed("t-earlier")
    with tail.block():  # the connection is fine afterwards
        tail.defer(insert("t-after"))
    assert committed("t-after")


@pytest.fixture
def without_pipeline(settings: Any) -> None:
    """DATABASE_PIPELINE=0: every statement through an ordinary cursor, Django's own COMMIT."""
    settings.NQI_PIPELINE = False


def test_without_the_pipeline_the_tail_works_the_same(without_pipeline: None, sent: Sent) -> None:
    received: list[Rows] = []
    with tail.block():
        tail.defer(insert("t-plain"))
        tail.defer(insert("t-plain-2"))
        tail.end_with(_COUNT, received.append)
    assert committed("t-plain") and committed("t-plain-2")
    assert received == [[(0,)]]  # one snapshot: the main statement does not see its CTEs' rows
    assert [travels for _, travels in sent] == [""]  # nothing travels: Django sent BEGIN and COMMIT
