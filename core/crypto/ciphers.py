"""Sealing a value with the key ring: authenticated encryption, one fresh nonce per value.

A sealed value is text, "pd1.<cipher>.<key id>.<base64url(nonce | ciphertext | tag)>", so it fits
a text column or a JSON string, and names what opens it: changing NQI_DATA_CIPHER or the current
key never strands an old value. `aad` binds a value to where it belongs (e.g. its table and
column), so a sealed value copied into another column does not open there.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from .keys import DataKey, ring

PREFIX = "pd1"
AES_GCM: str = "aes-256-gcm"
SM4_GCM: str = "sm4-gcm"
CIPHERS: tuple[str, ...] = (AES_GCM, SM4_GCM)
_NONCE, _TAG = 12, 16
# Short names inside a sealed value (it is stored millions of times).
_SHORT = {AES_GCM: "a", SM4_GCM: "s"}
_LONG = {short: name for name, short in _SHORT.items()}


class CannotOpen(ValueError):
    """Not a sealed value, a key no longer in the ring, or tampered with."""


def configured_cipher() -> str:
    name = str(getattr(settings, "NQI_DATA_CIPHER", AES_GCM))
    if name not in CIPHERS:
        raise ValueError(f"NQI_DATA_CIPHER must be one of {', '.join(CIPHERS)}")
    return name


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ".")


def seal(plaintext: str, aad: str) -> str:
    short, key_id, raw = _seal_raw(plaintext.encode("utf-8"), aad)
    encoded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{PREFIX}.{short}.{key_id}.{encoded}"


def open_sealed(sealed: str, aad: str) -> str:
    _prefix, short, key_id, encoded = _parts(sealed)
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise CannotOpen("not a sealed value") from None
    return _open_raw(short, key_id, raw, aad).decode("utf-8")


def seal_bytes(data: bytes, aad: str) -> bytes:
    """`data` sealed as bytes (a file): the same header as a sealed text, then a newline and the
    nonce, ciphertext and tag as they are."""
    short, key_id, raw = _seal_raw(data, aad)
    return f"{PREFIX}.{short}.{key_id}\n".encode("ascii") + raw


def is_sealed_bytes(data: bytes) -> bool:
    return data.startswith(PREFIX.encode("ascii") + b".")


def open_bytes(sealed: bytes, aad: str) -> bytes:
    short, key_id, raw = _byte_parts(sealed)
    return _open_raw(short, key_id, raw, aad)


def key_id_of_bytes(sealed: bytes) -> str:
    return _byte_parts(sealed)[1]


def _byte_parts(sealed: bytes) -> tuple[str, str, bytes]:
    header, newline, raw = sealed.partition(b"\n")
    parts = header[:64].decode("ascii", errors="replace").split(".")
    if not newline or len(parts) != 3 or parts[0] != PREFIX or parts[1] not in _LONG:
        raise CannotOpen("not a sealed file")
    return parts[1], parts[2], raw


def _seal_raw(data: bytes, aad: str) -> tuple[str, str, bytes]:
    key = ring().current
    cipher = configured_cipher()
    nonce = os.urandom(_NONCE)
    return _SHORT[cipher], key.key_id, nonce + _encrypt(cipher, key, nonce, data, aad.encode("utf-8"))


def _open_raw(short: str, key_id: str, raw: bytes, aad: str) -> bytes:
    key = ring().get(key_id)
    if key is None:
        raise CannotOpen(f"key {key_id!r} is not in NQI_DATA_KEYS")
    if len(raw) < _NONCE + _TAG:
        raise CannotOpen("not a sealed value")
    try:
        return _decrypt(_LONG[short], key, raw[:_NONCE], raw[_NONCE:], aad.encode("utf-8"))
    except InvalidTag:
        raise CannotOpen(
            "the value does not open with its key here (tampered, or sealed elsewhere)"
        ) from None


def key_id_of(sealed: str) -> str:
    return _parts(sealed)[2]


def _parts(sealed: str) -> tuple[str, str, str, str]:
    parts = sealed.split(".") if isinstance(sealed, str) else []
    if len(parts) != 4 or parts[0] != PREFIX or parts[1] not in _LONG:
        raise CannotOpen("not a sealed value")
    return parts[0], parts[1], parts[2], parts[3]


def _encrypt(cipher: str, key: DataKey, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if cipher == AES_GCM:
        return AESGCM(key.for_cipher(cipher, 32)).encrypt(nonce, data, aad)
    encryptor = Cipher(algorithms.SM4(key.for_cipher(cipher, 16)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(data) + encryptor.finalize()
    return body + encryptor.tag


def _decrypt(cipher: str, key: DataKey, nonce: bytes, body: bytes, aad: bytes) -> bytes:
    if cipher == AES_GCM:
        return AESGCM(key.for_cipher(cipher, 32)).decrypt(nonce, body, aad)
    decryptor = Cipher(algorithms.SM4(key.for_cipher(cipher, 16)), modes.GCM(nonce, body[-_TAG:])).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body[:-_TAG]) + decryptor.finalize()
