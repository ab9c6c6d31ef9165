"""Re-sealing encrypted columns and sealed files with the current key (after a key was put in
front of NQI_DATA_KEYS), and counting what each key still holds, so that an old key is dropped
only once nothing needs it. Rows and files written before sealing are sealed by the same pass."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from .ciphers import (
    is_sealed,
    is_sealed_bytes,
    key_id_of,
    key_id_of_bytes,
    open_bytes,
    open_sealed,
    seal_bytes,
)
from .fields import EncryptedTextField
from .keys import ring
from .storage import AAD, SealedFileSystemStorage

FILES = "files"

PLAIN = "(not sealed)"
BATCH = 500


def encrypted_columns() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def _raw_rows(
    model: type[models.Model], fields: list[EncryptedTextField]
) -> Iterator[list[tuple[object, list[str | None]]]]:
    """Rows as stored (sealed), by primary key, a batch at a time."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    last: Any = None
    while True:
        with connection.cursor() as cursor:
            where = f"WHERE {pk} > %s" if last is not None else ""
            cursor.execute(
                f"SELECT {pk}, {columns} FROM {table} {where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                [last, BATCH] if last is not None else [BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield [(row[0], list(row[1:])) for row in rows]
        last = rows[-1][0]


def key_counts() -> dict[str, Counter[str]]:
    """{model label: {key id (or PLAIN): values}} over every encrypted column; empty values are
    not counted (they are never sealed)."""
    counts: dict[str, Counter[str]] = {}
    for model, fields in encrypted_columns():
        tally: Counter[str] = Counter()
        for batch in _raw_rows(model, fields):
            for _pk, values in batch:
                for value in values:
                    if value:
                        tally[key_id_of(value) if is_sealed(value) else PLAIN] += 1
        counts[model._meta.label] = tally
    return counts


def reseal() -> dict[str, int]:
    """Seal with the current key every value sealed with another key, or not sealed yet;
    {model label: rows rewritten}. Each batch is one transaction: a long run can stop and be
    started again."""
    current = ring().current.key_id
    rewritten: dict[str, int] = {}
    for model, fields in encrypted_columns():
        count = 0
        for batch in _raw_rows(model, fields):
            with transaction.atomic():
                for pk, values in batch:
                    stale = {
                        field.name: open_sealed(value, field.aad) if is_sealed(value) else value
                        for field, value in zip(fields, values, strict=True)
                        if value and (not is_sealed(value) or key_id_of(value) != current)
                    }
                    if stale:
                        # update() seals through the field with the current key; no save()
                        # signals: nothing but the sealing changes.
                        model._default_manager.filter(pk=pk).update(**stale)
                        count += 1
        rewritten[model._meta.label] = count
    return rewritten


def sealed_files() -> Iterator[Path]:
    """The files on disk of every FileField whose storage seals them, as their rows name them."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            storage = getattr(field, "storage", None)
            if not isinstance(field, models.FileField) or not isinstance(storage, SealedFileSystemStorage):
                continue
            names = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
            for name in names.iterator(chunk_size=BATCH):
                path = Path(storage.path(str(name)))
                if path.is_file():
                    yield path


def file_key_counts() -> Counter[str]:
    tally: Counter[str] = Counter()
    for path in sealed_files():
        with path.open("rb") as handle:
            head = handle.read(128)
        tally[key_id_of_bytes(head) if is_sealed_bytes(head) else PLAIN] += 1
    return tally


def reseal_files() -> int:
    """Seal with the current key every file sealed with another key, or not sealed yet; written
    beside and moved over the old one, so a file is never half-written. Files rewritten."""
    current = ring().current.key_id
    count = 0
    for path in sealed_files():
        data = path.read_bytes()
        if is_sealed_bytes(data) and key_id_of_bytes(data) == current:
            continue
        plain = open_bytes(data, AAD) if is_sealed_bytes(data) else data
        fresh = path.with_name(path.name + ".resealing")
        fresh.write_bytes(seal_bytes(plain, AAD))
        os.replace(fresh, path)
        count += 1
    return count
