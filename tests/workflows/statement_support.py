"""What the statement tests share: the server's view of our session."""

from __future__ import annotations

from django.db import connection
from psycopg import pq


def server_status() -> pq.TransactionStatus:
    return pq.TransactionStatus(connection.connection.pgconn.transaction_status)


def prepared() -> dict[str, str]:
    """The session's prepared statements: name -> text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def prepared_names() -> set[str]:
    return {name for name in prepared() if name.startswith("nqi_")}
