"""Instance state is compressed with lz4 wherever the server offers it (migration 0005)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

pytestmark = pytest.mark.django_db


def server_has_lz4() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE lz4_probe (v text COMPRESSION lz4)")
            transaction.set_rollback(True)
    except DatabaseError:
        return False
    return True


def state_compression() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'workflows_processinstance'::regclass AND attname = 'state'"
        )
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def test_state_is_lz4_compressed_when_the_server_can() -> None:
    # '' is the server default (pglz), 'l' is lz4.
    assert state_compression() == ("l" if server_has_lz4() else "")
