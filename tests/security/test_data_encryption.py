"""Personal data at rest (core/crypto): sealing with AES-256-GCM or SM4-GCM, the key ring from
NQI_DATA_KEYS, rotation (a value sealed with an old key still opens), and refusals: a tampered
value, a value moved to another column, a key no longer configured, a bad key setting. Files
(scorecard evidence) sealed on disk by the default storage."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.test import override_settings

from core.crypto import keys
from core.crypto.ciphers import (
    AES_GCM,
    SM4_GCM,
    CannotOpen,
    is_sealed,
    is_sealed_bytes,
    key_id_of,
    open_bytes,
    open_sealed,
    seal,
    seal_bytes,
)
from core.crypto.storage import SealedFileSystemStorage

OLD = keys.new_key("k2025")
NEW = keys.new_key("k2026")


@pytest.mark.parametrize("cipher", [AES_GCM, SM4_GCM])
def test_a_value_opens_where_it_was_sealed_and_nowhere_else(cipher: str) -> None:
    with override_settings(NQI_DATA_CIPHER=cipher, NQI_DATA_KEYS=NEW):
        sealed = seal("13912345678", "casemgmt.ServiceCase.contact_phone")
        again = seal("13912345678", "casemgmt.ServiceCase.contact_phone")
        assert is_sealed(sealed) and "139" not in sealed and sealed != again  # a fresh nonce each
        assert open_sealed(sealed, "casemgmt.ServiceCase.contact_phone") == "13912345678"
        assert open_sealed(seal("王小明 ☎", "t.c"), "t.c") == "王小明 ☎"
        with pytest.raises(CannotOpen):
            open_sealed(sealed, "casemgmt.Enterprise.phone")  # copied into another column
        prefix, short, key_id, body = sealed.split(".")
        flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
        for broken in (f"{prefix}.{short}.{key_id}.{flipped}", "plain text", "pd1.x.k.y", "pd1.a.k2026.", ""):
            with pytest.raises(CannotOpen):
                open_sealed(broken, "casemgmt.ServiceCase.contact_phone")


def test_the_cipher_of_a_value_is_its_own_whatever_the_setting_says_now() -> None:
    with override_settings(NQI_DATA_CIPHER=SM4_GCM, NQI_DATA_KEYS=NEW):
        sealed = seal("13912345678", "a")
    with override_settings(NQI_DATA_CIPHER=AES_GCM, NQI_DATA_KEYS=NEW):
        assert open_sealed(sealed, "a") == "13912345678"


def test_a_rotated_ring_opens_old_values_and_seals_with_the_new_key() -> None:
    with override_settings(NQI_DATA_KEYS=OLD):
        old = seal("13912345678", "a")
    with override_settings(NQI_DATA_KEYS=f"{NEW},{OLD}"):
        assert open_sealed(old, "a") == "13912345678"
        assert key_id_of(old) == "k2025" and key_id_of(seal("x", "a")) == "k2026"
    with override_settings(NQI_DATA_KEYS=NEW), pytest.raises(CannotOpen, match="k2025"):
        open_sealed(old, "a")  # the old key dropped too early: said, not guessed


def test_without_configured_keys_one_is_derived_from_the_secret_key() -> None:
    with override_settings(NQI_DATA_KEYS="", SECRET_KEY="s1"):
        sealed = seal("x", "a")
        assert key_id_of(sealed) == keys.DERIVED_ID and keys.ring().derived
    with override_settings(NQI_DATA_KEYS="", SECRET_KEY="s2"), pytest.raises(CannotOpen):
        open_sealed(sealed, "a")


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("k1", "expected id:base64key"),
        ("bad id!:AAAA", "expected id:base64key"),
        ("sk:" + base64.b64encode(b"x" * 32).decode(), "expected id:base64key"),
        ("k1:not-base64!", "not base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "32 bytes"),
        (f"{NEW},{NEW}", "twice"),
    ],
)
def test_a_bad_key_setting_is_refused_without_showing_the_key(setting: str, words: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=words) as refused:
        keys.parse(setting)
    secret = setting.partition(":")[2]
    assert not secret or secret[:8] not in str(refused.value)
    assert repr(keys.parse(NEW)[0]) == "DataKey('k2026')"  # a key never prints its secret


def test_a_file_is_sealed_on_disk_and_read_back_plain(tmp_path: Any) -> None:
    storage = SealedFileSystemStorage(location=tmp_path)
    content = "营业执照副本 13912345678".encode() * 100
    name = storage.save("evidence/2026/scan.pdf", ContentFile(content))
    on_disk = (tmp_path / name).read_bytes()
    assert is_sealed_bytes(on_disk) and b"13912345678" not in on_disk
    with storage.open(name) as handle:
        assert handle.read() == content
    with handle.open() as again:  # reopened once closed: read again through the storage
        assert again.read() == content
    assert storage.size(name) == len(content)
    # A file from before sealing (no header) reads as it is; a damaged sealed one refuses to open.
    (tmp_path / "old.pdf").write_bytes(b"%PDF-1.4 plain")
    with storage.open("old.pdf") as handle:
        assert handle.read() == b"%PDF-1.4 plain"
    (tmp_path / name).write_bytes(on_disk[:-1] + bytes([on_disk[-1] ^ 1]))
    with pytest.raises(CannotOpen):
        storage.open(name)
    with pytest.raises(ValueError, match="written through save"):
        storage.open(name, "wb")


def test_sealed_bytes_name_their_key_and_refuse_what_is_not_theirs() -> None:
    with override_settings(NQI_DATA_KEYS=OLD, NQI_DATA_CIPHER=SM4_GCM):
        sealed = seal_bytes(b"\x00\xff binary", "f")
    with override_settings(NQI_DATA_KEYS=f"{NEW},{OLD}"):
        assert open_bytes(sealed, "f") == b"\x00\xff binary"
        for broken in (b"not sealed", b"pd1.a.k2025", sealed.replace(b"pd1.s.", b"pd1.q.")):
            with pytest.raises(CannotOpen):
                open_bytes(broken, "f")
