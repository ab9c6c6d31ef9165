"""A model field whose values are stored sealed (ciphers.py) and read back in the clear.

The column is text; the value in Python is the plain string, so pages, exports and services read
it as before. What changes is what the database can do with it: a sealed value has a fresh nonce
each time, so the database can neither compare nor search it. Only `isnull` and comparing with
the empty string (kept unsealed: "no phone given" is not a secret) are allowed; any other lookup
fails loudly at the first query rather than silently finding nothing. A row written before the
column was encrypted (plain text) reads as it is until `manage.py rotate_data_keys` seals it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from .ciphers import is_sealed, open_sealed, seal


class _EmptyOnly(Exact):
    """`field=""` (nothing given) is a question the database can answer; `field="139…"` is not."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.aad} is encrypted: the database cannot compare it with a value."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """`max_length` is kept for forms and validation; the column itself is unbounded text, as a
    sealed value is longer than its plain text."""

    aad = ""

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.aad = f"{cls._meta.label}.{name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if is_sealed(value):
            return open_sealed(value, self.aad)
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_sealed(value):
            return value
        return seal(str(value), self.aad)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnly
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(f"{self.aad} is encrypted: the database cannot evaluate __{lookup_name} on it.")
