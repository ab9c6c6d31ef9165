"""The deployment's data keys: `NQI_DATA_KEYS` = "id:base64key,id:base64key", newest first.

The first key seals everything new; every key listed still opens what it sealed, so rotating is
"put a new key in front, run `manage.py rotate_data_keys`, drop the old one when it reports
nothing left". A key is 32 random bytes (`manage.py rotate_data_keys --new-key` prints one).
Without NQI_DATA_KEYS a key is derived from DJANGO_SECRET_KEY (id "sk"), which keeps a
development checkout working; a system check warns about it when DEBUG is off.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32
DERIVED_ID = "sk"
_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


@dataclass(frozen=True)
class DataKey:
    key_id: str
    secret: bytes = b""

    def for_cipher(self, cipher: str, length: int) -> bytes:
        """The key material for one cipher: separate keys per cipher, so that the same secret
        never serves two algorithms. Derived once per key and cipher (every value opened asks)."""
        return _material(self.secret, cipher, length)

    def __repr__(self) -> str:  # never print the secret
        return f"DataKey({self.key_id!r})"


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[DataKey, ...]

    @property
    def current(self) -> DataKey:
        return self.keys[0]

    def get(self, key_id: str) -> DataKey | None:
        return next((key for key in self.keys if key.key_id == key_id), None)

    @property
    def derived(self) -> bool:
        return self.current.key_id == DERIVED_ID


def parse(text: str) -> tuple[DataKey, ...]:
    """The keys of an NQI_DATA_KEYS value; ImproperlyConfigured naming what is wrong (never the key)."""
    keys: list[DataKey] = []
    for position, item in enumerate(part.strip() for part in text.split(",") if part.strip()):
        key_id, sep, encoded = item.partition(":")
        if not sep or not _ID.match(key_id) or key_id == DERIVED_ID:
            raise ImproperlyConfigured(
                f"NQI_DATA_KEYS entry {position + 1}: expected id:base64key with an id of 1-16 "
                f"letters, digits, - or _ (and not {DERIVED_ID!r})."
            )
        try:
            secret = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"NQI_DATA_KEYS key {key_id!r} is not base64.") from None
        if len(secret) != KEY_BYTES:
            raise ImproperlyConfigured(f"NQI_DATA_KEYS key {key_id!r} must be {KEY_BYTES} bytes.")
        if any(key.key_id == key_id for key in keys):
            raise ImproperlyConfigured(f"NQI_DATA_KEYS lists key {key_id!r} twice.")
        keys.append(DataKey(key_id, secret))
    return tuple(keys)


@functools.cache
def _material(secret: bytes, cipher: str, length: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=None, info=f"nqi-data:{cipher}".encode()
    ).derive(secret)


@functools.cache
def _ring(configured: str, secret_key: str) -> KeyRing:
    keys = parse(configured)
    if not keys:
        derived = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"nqi-data-key").derive(
            secret_key.encode()
        )
        keys = (DataKey(DERIVED_ID, derived),)
    return KeyRing(keys)


def ring() -> KeyRing:
    """The key ring of the current settings (cached per value, so a test overriding the setting
    gets its own)."""
    return _ring(str(getattr(settings, "NQI_DATA_KEYS", "") or ""), str(settings.SECRET_KEY))


def new_key(key_id: str) -> str:
    """A fresh NQI_DATA_KEYS entry."""
    if not _ID.match(key_id) or key_id == DERIVED_ID:
        raise ValueError("a key id is 1-16 letters, digits, - or _")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"
