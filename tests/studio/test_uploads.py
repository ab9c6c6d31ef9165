"""Reading what a process admin uploads: several files or zips, and every way an upload is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.errors import InvalidInput
from studio import uploads
from studio.uploads import Upload, read_uploads


def upload(name: str, data: bytes) -> Upload:
    return Upload(name, len(data), io.BytesIO(data))


def zipped(entries: dict[str, bytes], name: str = "set.zip") -> Upload:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return upload(name, buffer.getvalue())


def refusal(*items: Upload) -> tuple[str, str, str]:
    with pytest.raises(InvalidInput) as refused:
        read_uploads(items)
    (field,) = refused.value.fields
    assert field.field == "files" and field.message_zh and field.message_en
    return field.code, field.message_zh, field.message_en


def test_files_and_zips_are_read_into_one_set_by_base_name() -> None:
    files = read_uploads(
        [
            upload("main.bpmn", "<definitions>流程</definitions>".encode()),
            zipped(
                {
                    "set/forms/review.json": b"{}",
                    "set/band.dmn": "\ufeff<definitions/>".encode(),
                    "set/": b"",
                    "__MACOSX/set/._band.dmn": b"\x00\x01",
                    "set/.DS_Store": b"\x00",
                }
            ),
        ]
    )
    assert files == {
        "main.bpmn": "<definitions>流程</definitions>",
        "review.json": "{}",
        "band.dmn": "<definitions/>",
    }


def test_a_path_in_a_name_never_leaves_the_set() -> None:
    files = read_uploads([zipped({"../../etc/evil.bpmn": b"<x/>", "..\\win\\other.json": b"{}"})])
    assert sorted(files) == ["evil.bpmn", "other.json"]


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([upload("script.py", b"print(1)")], "kind"),
        ([zipped({"a.bpmn": b"<x/>", "b.exe": b"MZ"})], "kind"),
        ([upload("a.bpmn", b"<x/>"), zipped({"dir/a.bpmn": b"<y/>"})], "duplicate"),
        ([upload("latin.bpmn", "é".encode("latin-1"))], "encoding"),
        ([upload("broken.zip", b"PK\x03\x04 not really")], "bad_zip"),
        ([zipped({f"f{n}.json": b"{}" for n in range(uploads.MAX_FILES + 1)})], "too_many"),
        ([], "required"),
        ([zipped({"notes.txt/": b""})], "required"),
    ],
)
def test_refused_uploads_say_why(items: list[Upload], code: str) -> None:
    assert refusal(*items)[0] == code


def test_a_zip_bomb_is_refused_by_its_declared_sizes_before_it_is_unpacked() -> None:
    big = b"0" * (uploads.MAX_FILE_BYTES + 1)  # compresses to a few KiB
    bomb = zipped({"bomb.bpmn": big})
    assert bomb.size < 100_000
    code, zh, en = refusal(bomb)
    assert code == "too_large" and "bomb.bpmn" in en and "2 MiB" in zh
    many = zipped({f"part{n}.bpmn": b"0" * (uploads.MAX_FILE_BYTES - 10) for n in range(6)})
    assert refusal(many)[0] == "too_large"


def test_a_zip_that_lies_about_its_sizes_is_read_no_further_than_the_limit() -> None:
    big = b"0" * (uploads.MAX_FILE_BYTES + 100)
    honest = zipped({"liar.bpmn": big}).stream.getvalue()  # type: ignore[attr-defined]
    # Rewrite the declared uncompressed size (central directory) to something small.
    lying = bytearray(honest)
    central = lying.rfind(b"PK\x01\x02")
    lying[central + 24 : central + 28] = (100).to_bytes(4, "little")
    local = lying.find(b"PK\x03\x04")
    lying[local + 22 : local + 26] = (100).to_bytes(4, "little")
    code, _, _ = refusal(upload("liar.zip", bytes(lying)))
    assert code in {"too_large", "bad_zip"}


def test_an_encrypted_entry_is_refused() -> None:
    data = bytearray(zipped({"secret.bpmn": b"<x/>"}).stream.getvalue())  # type: ignore[attr-defined]
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1  # general purpose flag: encrypted
    assert refusal(upload("secret.zip", bytes(data)))[0] == "encrypted"
