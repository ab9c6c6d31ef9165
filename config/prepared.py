"""Cursors for the few fixed statements every engine step runs: bound and planned on the server.

Django binds parameters on the client (psycopg's ClientCursor) and never prepares, so each
statement is parsed and planned anew. For the lock, the turn's write and the audit append, that
planning was a fifth of a task completion (bench/, section 1). These cursors bind on the server
and prepare each statement at its first use on a connection; psycopg keeps the names per
connection and forgets them when the connection goes. They are wrapped like any Django cursor,
so execute wrappers still see every statement; while the query log is on, a plain cursor is
used so that the log shows each statement with its values.

Only statements with fixed text belong here: each distinct text is one prepared statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper
from psycopg import pq

Statement = tuple[str, list[Any]]
"""An SQL statement and its parameters."""


class _PreparingCursor(psycopg.Cursor[Any]):
    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> _PreparingCursor:
        # Without a prepare threshold on the connection (DATABASE_PREPARED_STATEMENTS=0, for
        # transaction-pooling proxies) psycopg ignores prepare=True and this is a plain cursor.
        super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)
        return self


def prepared_cursor(*, binary_results: bool = False) -> CursorWrapper:
    """A server-binding, preparing cursor. With `binary_results`, rows come back in PostgreSQL's
    binary format: psycopg's C loaders then read timestamps, where Django's text loader for
    timestamptz parses each one in Python (with the direct wrapper below, ≈1 % of a task
    completion, measured A/B in one process). Only for statements without json/jsonb columns in
    their results: Django reads those as text and parses them itself."""
    # The wrapper itself, not the `connection` proxy: every attribute read through the proxy is a
    # lookup in Django's per-context connection registry, and the cursor wrapper reads `db` for
    # each fetch.
    db = connections[DEFAULT_DB_ALIAS]
    if db.queries_logged:
        # psycopg keeps the text of what it sent only for unprepared statements, and the query log
        # (DEBUG, CaptureQueriesContext) wants it: while the log is on, use Django's own cursor.
        return db.cursor()
    db.ensure_connection()
    db.validate_thread_sharing()
    cursor = _PreparingCursor(db.connection)
    if binary_results:
        cursor.format = pq.Format.BINARY
    return CursorWrapper(cursor, db)


def execute_together(
    ctes: Sequence[Statement], main: Statement, *, binary_results: bool = False
) -> list[tuple[Any, ...]]:
    """`main` with `ctes` (INSERT, UPDATE or DELETE statements without a WITH of their own) as
    data-modifying CTEs of one statement: one round trip. PostgreSQL runs each CTE exactly once,
    to completion, whether or not the main statement reads it. Returns the main statement's rows
    (none when it returns none)."""
    prefix = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(ctes))
    main_sql, main_params = main
    params = [value for _, values in ctes for value in values] + main_params
    with prepared_cursor(binary_results=binary_results) as cursor:
        cursor.execute(f"WITH {prefix} {main_sql}" if prefix else main_sql, params)
        return list(cursor.fetchall()) if cursor.description else []
