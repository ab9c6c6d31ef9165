"""The tail of a write transaction: write statements held back to travel with its last statement.

The outermost write block (`block()`, opened by core.service.write_transaction) owns a tail.
`defer()` adds an INSERT, UPDATE or DELETE to it (one without results: nobody waits for its
rows). When the block ends, everything the tail holds goes to the server as ONE statement: the
deferred statements as data-modifying CTEs of the tail's final statement, and COMMIT in the same
round trip when the block opened the transaction (core.db.statements.execute_and_commit). The
final statement is whatever one module registered with `end_with()` (the audit log's append,
which returns the events' ids and hashes to a callback); without one, the last deferred
statement is the main one.

This module knows nothing of who defers what. What keeps it correct is the mechanism, not the
callers' care:

- Read-your-writes. While the tail holds statements, an execute wrapper on the connection
  flushes them (one round trip of their own) before any other statement runs, through the ORM,
  a cursor or core.db.statements alike: whoever reads the rows finds them written. The wrapper
  is installed only while the tail is non-empty, so a step that runs no statement between its
  first deferral and its end pays nothing for it.
- Savepoints. SAVEPOINT and RELEASE SAVEPOINT are statements like any other: the tail is flushed
  before them. So on ROLLBACK TO SAVEPOINT whatever the tail holds was deferred after the newest
  savepoint command, inside the savepoint being rolled back, and is dropped with it.
- Nesting. A write block inside another one adds to the outer block's tail.
- The final statement is the last one. Once it is registered nothing may be deferred, and any
  statement but the block's own end is refused: the audit append takes the chain lock, which
  must be the last lock the transaction takes (audit.services).

One rule is the deferrer's: the deferred statements run as CTEs of one statement, so they share
one snapshot and run in no set order. Two of them must not write the same row; a statement that
must see another's effect has a read between them (which flushes the first), as every engine
turn has: its lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from .statements import Rows, Statement, combined, execute, execute_and_commit

_ROLLBACK_TO = "ROLLBACK TO SAVEPOINT"


@dataclass(frozen=True)
class _Final:
    statement: Statement
    receive: Callable[[Rows], None]
    binary_results: bool


class Tail:
    """What one outermost write block sends last."""

    def __init__(self, db: BaseDatabaseWrapper, *, commits: bool) -> None:
        self.db = db
        # The block opened the transaction: its end carries COMMIT too.
        self.commits = commits
        self.statements: list[Statement] = []
        self.final: _Final | None = None
        self._watching = False

    def defer(self, statements: Sequence[Statement]) -> None:
        if self.final is not None:
            raise RuntimeError("Nothing may be deferred after the tail's final statement.")
        if statements:
            self.statements.extend(statements)
            self._watch()

    def end_with(self, statement: Statement, receive: Callable[[Rows], None], binary_results: bool) -> None:
        if self.final is not None:
            raise RuntimeError("The tail has its final statement already.")
        self.final = _Final(statement, receive, binary_results)
        self._watch()

    def flush(self) -> None:
        """Run the deferred statements now, in one round trip (not the final statement: that
        one waits for the end)."""
        if self.final is not None:
            raise RuntimeError("Nothing but COMMIT may run after the tail's final statement.")
        self._unwatch()
        if self.statements:
            statements, self.statements = self.statements, []
            execute(_as_one(statements))

    def finish(self) -> None:
        """The end of the block: the deferred statements and the final one, with COMMIT if the
        block opened the transaction."""
        self._unwatch()
        statements, final = self.statements, self.final
        self.statements, self.final = [], None
        if final is None and not statements:
            return  # nothing held back: Django commits as usual
        run = execute_and_commit if self.commits else execute
        if final is None:
            run(_as_one(statements))
            return
        rows = run(combined(statements, final.statement), binary_results=final.binary_results)
        final.receive(rows)

    def discard(self) -> None:
        """The block failed: its transaction or savepoint rolls back, and nothing is sent."""
        self._unwatch()
        self.statements, self.final = [], None

    def _watch(self) -> None:
        if not self._watching:
            # First in the list, so that it runs before any other wrapper sees the statement (and
            # Django's execute_wrapper(), which pops the last one, never removes it).
            self.db.execute_wrappers.insert(0, self._before_statement)
            self._watching = True

    def _unwatch(self) -> None:
        if self._watching:
            self.db.execute_wrappers.remove(self._before_statement)
            self._watching = False

    def _before_statement(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        if self.final is not None:
            raise RuntimeError("Nothing but COMMIT may run after the tail's final statement.")
        if isinstance(sql, str) and sql.startswith(_ROLLBACK_TO):
            # All the tail holds was deferred inside the savepoint being rolled back (see above);
            # and the transaction may have failed, so that nothing else could run anyway.
            self.discard()
        else:
            self.flush()
        return execute(sql, params, many, context)


_current: ContextVar[Tail | None] = ContextVar("write_tail", default=None)


def current() -> Tail | None:
    """The tail of the write block the caller is in, if any."""
    return _current.get()


@contextmanager
def block() -> Iterator[None]:
    """`transaction.atomic()`; at the outermost level, also the owner of a tail that is sent when
    the block ends (inside another block, statements go to that block's tail).

    When this opens the transaction, the tail's statement carries COMMIT: nothing of the
    transaction comes after it. When the block raises, the tail is dropped unsent."""
    if _current.get() is not None:
        with transaction.atomic():
            yield
        return
    db = transaction.get_connection()
    tail = Tail(db, commits=not db.in_atomic_block and db.get_autocommit())
    with transaction.atomic():
        token = _current.set(tail)
        try:
            yield
        except BaseException:
            tail.discard()
            raise
        finally:
            _current.reset(token)
        tail.finish()


def defer(*statements: Statement) -> None:
    """Add write statements (INSERT, UPDATE or DELETE; no results, no WITH of their own) to the
    tail. Outside a write block there is none: they run at once, in one round trip."""
    tail = _current.get()
    if tail is not None:
        tail.defer(statements)
    elif statements:
        execute(_as_one(statements))


def end_with(statement: Statement, receive: Callable[[Rows], None], *, binary_results: bool = False) -> bool:
    """Make `statement` the tail's final statement: it runs when the block ends, with the deferred
    statements as its CTEs, and `receive` gets its rows. False when there is no write block (the
    caller runs the statement itself)."""
    tail = _current.get()
    if tail is None:
        return False
    tail.end_with(statement, receive, binary_results)
    return True


def flush() -> None:
    """Write what the tail holds now. Rarely needed: any statement flushes it first anyway."""
    tail = _current.get()
    if tail is not None:
        tail.flush()


def _as_one(statements: Sequence[Statement]) -> Statement:
    # The last statement is the main one, the others its CTEs: no carrier statement needed.
    *ctes, last = statements
    return combined(ctes, last)
