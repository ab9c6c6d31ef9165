"""One round trip to PostgreSQL: a statement, with BEGIN before it or COMMIT after it if asked.

libpq's pipeline mode sends several commands at once and reads their results together, so a
transaction's BEGIN can go with its first statement and its COMMIT with its last. psycopg's own
pipeline waits for the answer to BEGIN before it sends anything else, and its bookkeeping cost
more than the round trip saved (measured), so this speaks to libpq through psycopg's `pgconn`
and uses psycopg's Transformer to turn values into parameters and rows back into values, with
the adapters registered on the connection.

Statements are prepared on the server under names of their own, once per connection, and this
module is the only one that prepares any (core/db/statements.py keeps psycopg's automatic
preparation off): psycopg deallocates every prepared statement of the session after a rollback
when it holds prepared statements itself, which would pull ours from under us. If something else
does (DISCARD ALL, a pooler), the statement fails once and is prepared again the next time.

No Django here: core/db/statements.py decides when to use it.
"""

from __future__ import annotations

import hashlib
import select
import weakref
from typing import Any

import psycopg
from psycopg import errors, pq
from psycopg.adapt import PyFormat, Transformer

Rows = list[tuple[Any, ...]]

_Status = pq.ExecStatus
_SQLSTATE = pq.DiagnosticField.SQLSTATE
_NO_SUCH_STATEMENT = b"26000"


class _Session:
    """What this module keeps per connection: the statements prepared on it, and one Transformer
    (it caches the dumpers and loaders it looked up, as a psycopg cursor's does)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.prepared: set[bytes] = set()
        self.transformer = Transformer.from_context(conn)


_sessions: weakref.WeakKeyDictionary[psycopg.Connection[Any], _Session] = weakref.WeakKeyDictionary()
_numbered: dict[str, bytes] = {}
_names: dict[tuple[bytes, tuple[int, ...]], bytes] = {}


def exchange(
    conn: psycopg.Connection[Any],
    sql: str,
    params: list[Any],
    *,
    prepare: bool,
    binary_results: bool = False,
    before: bytes | None = None,
    after: bytes | None = None,
) -> Rows:
    """Send `before`, the statement and `after` together; return the statement's rows.

    An error in any of them is raised once every result has been read, so the connection stays
    usable: after a failed statement the server skips the rest (a COMMIT after it is not run)
    and the transaction waits for a ROLLBACK, as with any failed statement."""
    pgconn = conn.pgconn
    session = _sessions.get(conn)
    if session is None:
        session = _sessions[conn] = _Session(conn)
    transformer, known = session.transformer, session.prepared
    values = transformer.dump_sequence(params, [PyFormat.AUTO] * len(params))
    types, formats = transformer.types, transformer.formats
    result_format = pq.Format.BINARY if binary_results else pq.Format.TEXT
    query = numbered(sql)
    name = _statement_name(query, types) if prepare else b""
    preparing = prepare and name not in known
    with conn.lock:
        pgconn.enter_pipeline_mode()
        try:
            if before is not None:
                pgconn.send_query_params(before, None)
            if preparing:
                pgconn.send_prepare(name, query, param_types=types)
            if prepare:
                pgconn.send_query_prepared(name, values, param_formats=formats, result_format=result_format)
            else:
                pgconn.send_query_params(
                    query, values, param_types=types, param_formats=formats, result_format=result_format
                )
            if after is not None:
                pgconn.send_query_params(after, None)
            pgconn.pipeline_sync()
            results = _send_and_read(pgconn)
            pgconn.exit_pipeline_mode()
        except BaseException:
            # Interrupted mid-exchange (Ctrl-C, a broken socket): answers may still be in flight
            # and libpq may be left in pipeline mode, so the connection cannot be used again.
            # Closing it lets Django open a new one.
            conn.close()
            raise
    if preparing and results[1 if before is not None else 0].status == _Status.COMMAND_OK:
        known.add(name)  # a prepared statement outlives its transaction, whatever becomes of it
    failed = [result for result in results if result.status == _Status.FATAL_ERROR]
    if failed:
        if failed[0].error_field(_SQLSTATE) == _NO_SUCH_STATEMENT:
            known.discard(name)  # deallocated behind our back: prepare it again next time
        raise errors.error_from_result(failed[0], encoding=conn.info.encoding)
    return _rows_of(transformer, results, result_format)


def _send_and_read(pgconn: Any) -> list[Any]:
    """Send what is queued and read every result up to the pipeline's sync point."""
    poller = select.poll()
    poller.register(pgconn.socket, select.POLLIN | select.POLLOUT)
    while pgconn.flush():
        # libpq may need to read before it can write more: wait for either, then try again.
        poller.poll()
        pgconn.consume_input()
    poller.modify(pgconn.socket, select.POLLIN)
    results: list[Any] = []
    while True:
        while pgconn.is_busy():
            poller.poll()
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            continue  # the end of one command's results
        if result.status == _Status.PIPELINE_SYNC:
            return results
        results.append(result)


def _rows_of(transformer: Any, results: list[Any], result_format: pq.Format) -> Rows:
    """The statement's rows: the one result that has any (none for a statement without)."""
    for result in results:
        if result.status == _Status.TUPLES_OK:
            transformer.set_pgresult(result, format=result_format)
            rows: Rows = transformer.load_rows(0, result.ntuples, tuple)
            return rows
    return []


def numbered(sql: str) -> bytes:
    """The statement with its `%s` placeholders numbered $1, $2, ... as the server wants them."""
    found = _numbered.get(sql)
    if found is None:
        if "%%" in sql or "%(" in sql:
            raise ValueError("statements sent over the wire take positional %s placeholders only")
        head, *rest = sql.split("%s")
        found = _numbered[sql] = (head + "".join(f"${i}{part}" for i, part in enumerate(rest, 1))).encode()
    return found


def _statement_name(query: bytes, types: Any) -> bytes:
    # The parameter types are part of the name: psycopg types an int parameter by its size, and a
    # statement prepared for int2 must not be sent an int8.
    key = (query, tuple(types))
    name = _names.get(key)
    if name is None:
        digest = hashlib.blake2b(query + repr(key[1]).encode(), digest_size=10).hexdigest()
        name = _names[key] = f"nqi_{digest}".encode()
    return name
