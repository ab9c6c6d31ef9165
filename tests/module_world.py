"""A world built once per test module and shared by its tests, each of which still runs in a
transaction of its own that is rolled back (a savepoint inside the module's transaction).

The permission matrices make one request per persona per page or endpoint, several thousand
tests over the same world: building the cast, deploying the diagram and starting the case once per
module instead of once per test is most of the suite's time saved, and changes nothing a test
sees, since each test's writes are rolled back before the next one starts (Django's
TestCase.setUpTestData, for pytest).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


@contextmanager
def module_transaction(django_db_blocker: Any) -> Iterator[None]:
    """A transaction around a module's tests, rolled back at the end; the tests' own (pytest-
    django's `db`) nest inside it as savepoints."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class Resettable:
    """An object whose attributes go back to what they were when `keep()` was called: a test may
    fill in lazily built objects (cached_property) whose rows its rollback removes."""

    _kept: dict[str, Any]

    def keep(self) -> None:
        self._kept = dict(vars(self))

    def reset(self) -> None:
        kept = self._kept
        self.__dict__.clear()
        self.__dict__.update(kept)
        self._kept = kept
