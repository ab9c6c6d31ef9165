"""Test-suite support for the append-only tables; never called by the running service."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

ALLOW_TRUNCATE_SETTING = "nqi_audit.allow_truncate"


def allow_truncate_in_test_database(connection: BaseDatabaseWrapper) -> None:
    """Let Django's between-test flush TRUNCATE the audit tables of a *test* database.

    Call once after the test database is created (e.g. from an overridden `django_db_setup`).
    The setting is stored on the database, so connections opened later (threads, reconnects)
    get it too; the current session is switched on directly.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (name,) = cursor.fetchone()
        if not name.startswith("test_"):
            raise RuntimeError(f"refusing to allow TRUNCATE of audit tables in non-test database {name!r}")
        quoted = connection.ops.quote_name(name)
        cursor.execute(f"ALTER DATABASE {quoted} SET {ALLOW_TRUNCATE_SETTING} = 'on'")
        cursor.execute(f"SET {ALLOW_TRUNCATE_SETTING} = 'on'")
