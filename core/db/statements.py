"""The few fixed statements every engine step runs: prepared on the server, and as few round
trips as the transaction allows.

Django binds parameters on the client and never prepares, so each statement is parsed and
planned anew; for the lock, the turn's write and the audit append that planning was a fifth of
a task completion (bench/, section 1). And every transaction costs two round trips besides its
statements, BEGIN and COMMIT: half of a completion's trips to the server. Statements run here
are prepared once per connection (core/db/wire.py), the first statement of a transaction carries
its BEGIN, and `execute_and_commit` carries the COMMIT: a completion is two round trips.

Only statements with fixed text belong here: each distinct text is one prepared statement.
While the query log is on (DEBUG, CaptureQueriesContext), and always with `NQI_PIPELINE` off
(DATABASE_PIPELINE=0), statements go through an ordinary Django cursor instead: the log then
shows each of them with its values, and Django sends BEGIN and COMMIT in round trips of their
own (correct, only slower; nothing is prepared on the server then either).

A service write's last statement, which carries the COMMIT, is assembled by core/db/tail.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import pq

from . import wire

Statement = tuple[str, list[Any]]
"""An SQL statement and its parameters."""

Rows = wire.Rows

_BEGIN = b"BEGIN"
_COMMIT = b"COMMIT"


def combined(ctes: Sequence[Statement], main: Statement) -> Statement:
    """`main` with `ctes` (INSERT, UPDATE or DELETE statements without a WITH of their own) as
    data-modifying CTEs of one statement. PostgreSQL runs each CTE exactly once, to completion,
    whether or not the main statement reads it."""
    if not ctes:
        return main
    prefix = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(ctes))
    main_sql, main_params = main
    params = [value for _, values in ctes for value in values] + main_params
    return f"WITH {prefix} {main_sql}", params


_NAMED = re.compile(r"%\((\w+)\)s")


@functools.cache
def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    return _NAMED.sub("%s", sql), tuple(_NAMED.findall(sql))


def named(sql: str, values: Mapping[str, Any]) -> Statement:
    """A statement written with `%(name)s` placeholders, as the positional one `execute` takes
    (a name used twice is sent twice)."""
    text, names = _positional(sql)
    return text, [values[name] for name in names]


def execute(statement: Statement, *, binary_results: bool = False) -> Rows:
    """Run one statement in one round trip; its rows (none when it returns none). When it is the
    first of the caller's transaction, the BEGIN goes with it.

    With `binary_results` rows come back in PostgreSQL's binary format and psycopg's C loaders
    read them (Django reads timestamps in Python): only for statements without json or jsonb
    columns in their results, which Django reads as text and parses itself."""
    db = connections[DEFAULT_DB_ALIAS]
    db.ensure_connection()
    opens_transaction = not db.connection.autocommit and _server_idle(db)
    if not _may_pipeline(db) or (opens_transaction and not _plain_begin(db)):
        return _through_cursor(db, statement)
    return _send(db, statement, binary_results, before=_BEGIN if opens_transaction else None)


def execute_and_commit(statement: Statement, *, binary_results: bool = False) -> Rows:
    """Run the last statement of the outermost transaction and COMMIT it, in one round trip.

    Only for the very end of an outermost `transaction.atomic()` block: Django's own commit then
    finds the transaction ended and does nothing but run the on-commit hooks. If the statement
    fails, COMMIT is not run and the error is raised for the block to roll back; if COMMIT fails
    (a deferred constraint), the server has rolled back and its error is raised."""
    db = connections[DEFAULT_DB_ALIAS]
    if not db.commit_on_exit or db.savepoint_ids or len(db.atomic_blocks) != 1:
        raise RuntimeError("execute_and_commit() belongs at the end of an outermost atomic block.")
    db.ensure_connection()
    if _may_pipeline(db):
        status = db.connection.pgconn.transaction_status
        if status == pq.TransactionStatus.INTRANS:
            return _send(db, statement, binary_results, after=_COMMIT)
        if status == pq.TransactionStatus.IDLE and _plain_begin(db):
            # Nothing began on the server yet: the whole transaction in one round trip.
            return _send(db, statement, binary_results, before=_BEGIN, after=_COMMIT)
    # The query log is on, or the pipeline off: an ordinary statement, and Django commits when
    # the block ends.
    return execute(statement, binary_results=binary_results)


def _may_pipeline(db: BaseDatabaseWrapper) -> bool:
    # Off by setting (DATABASE_PIPELINE=0); the query log wants each statement as a cursor ran
    # it; a pipeline of psycopg's own owns the connection's pipeline mode.
    return bool(
        settings.NQI_PIPELINE
        and not db.queries_logged
        and db.connection.pgconn.pipeline_status == pq.PipelineStatus.OFF
    )


def _plain_begin(db: BaseDatabaseWrapper) -> bool:
    # psycopg's BEGIN would spell out a non-default isolation level or access mode; ours is plain.
    conn = db.connection
    return conn.isolation_level is None and conn.read_only is None and conn.deferrable is None


def _server_idle(db: BaseDatabaseWrapper) -> bool:
    return bool(db.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE)


def _through_cursor(db: BaseDatabaseWrapper, statement: Statement) -> Rows:
    sql, params = statement
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def _send(
    db: BaseDatabaseWrapper,
    statement: Statement,
    binary_results: bool,
    *,
    before: bytes | None = None,
    after: bytes | None = None,
) -> Rows:
    db.validate_thread_sharing()
    db.validate_no_broken_transaction()
    sql, params = statement

    def send(sql: str, params: Any, many: bool, context: dict[str, Any]) -> Rows:
        with db.wrap_database_errors:
            return wire.exchange(
                db.connection,
                sql,
                params,
                prepare=settings.NQI_PREPARED_STATEMENTS,
                binary_results=binary_results,
                before=before,
                after=after,
            )

    # Execute wrappers see the statement as they would through a cursor (bench/dbtime, tests);
    # `travels_with` tells them which transaction commands went in the same round trip
    # ("BEGIN", "COMMIT" or "BEGIN + COMMIT").
    executor: Callable[..., Rows] = send
    for wrapper in reversed(db.execute_wrappers):
        executor = functools.partial(wrapper, executor)
    travels_with = " + ".join(command.decode() for command in (before, after) if command is not None)
    return executor(sql, params, False, {"connection": db, "cursor": None, "travels_with": travels_with})
