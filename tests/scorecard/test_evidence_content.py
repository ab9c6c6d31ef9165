"""Evidence uploads are checked by content with the `filetype` library (not by hand-written first
bytes), against the extension and the declared type; office documents whose ZIP directory
declares an absurd unpacked size are refused (casemgmt/scorecard/evidence.py)."""

from __future__ import annotations

import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casemgmt.scorecard.evidence import ZIP_MAX_UNPACKED, check_upload
from core.errors import InvalidInput

from .helpers import PDF

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def wav() -> bytes:
    """A real (tiny) RIFF/WAVE file: 'RIFF' is also how WebP starts."""
    data = b"\x00\x00" * 100
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "台账"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal WordprocessingML package, with `extra` entries appended."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        package.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


def lying_sizes(package: bytes, declared: int) -> bytes:
    """The package with its first entry's uncompressed size rewritten in the central directory:
    what a crafted bomb declares (nothing here unpacks it)."""
    data = bytearray(package)
    start = data.rfind(b"PK\x01\x02")
    central = data.find(b"PK\x01\x02")
    assert 0 <= central <= start
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refused_code(name: str, content: bytes, content_type: str = "application/octet-stream") -> str:
    with pytest.raises(InvalidInput) as refused:
        check_upload(upload(name, content, content_type))
    return refused.value.fields[0].code


def test_a_wav_named_webp_is_refused() -> None:
    assert refused_code("录音.webp", wav()) == "file_content"
    assert refused_code("录音.webp", wav(), "image/webp") == "file_content"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("照片.png", PDF),  # a PDF named .png
        ("制度.pdf", PNG),
        ("台账.docx", b"PK\x03\x04" + b"\x00" * 200),  # ZIP magic and nothing behind it
        ("台账.xlsx", docx()),  # a Word package named as a workbook
        ("台账.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),  # OLE2 header, no Word inside
    ],
)
def test_content_must_be_what_the_extension_says(name: str, content: bytes) -> None:
    assert refused_code(name, content) == "file_content"


def test_a_declared_type_naming_another_format_is_refused() -> None:
    assert refused_code("照片.png", PNG, "application/pdf") == "file_content"
    # A declared type that says nothing (or one we do not know) is not held against the file.
    assert check_upload(upload("照片.png", PNG, "application/octet-stream"))[0] == ".png"
    assert check_upload(upload("照片.png", PNG, "image/x-unknown"))[0] == ".png"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("制度.pdf", PDF, "application/pdf"),
        ("照片.png", PNG, "image/png"),
        ("台账.xlsx", xlsx(), XLSX_TYPE),
        ("报告.docx", docx(), DOCX_TYPE),
    ],
)
def test_genuine_files_pass(name: str, content: bytes, content_type: str) -> None:
    suffix, stored_type = check_upload(upload(name, content, content_type))
    assert name.endswith(suffix) and stored_type == content_type


def test_an_office_document_declaring_an_absurd_unpacked_size_is_refused() -> None:
    bomb = lying_sizes(docx(), ZIP_MAX_UNPACKED + 1)
    assert refused_code("报告.docx", bomb, DOCX_TYPE) == "file_unpacked_size"


def test_a_real_compression_ratio_bomb_is_refused() -> None:
    # 30 MB of zeros deflate to ~30 KB (≈1000:1): small upload, unreasonable expansion.
    bomb = docx({"word/media/zeros.bin": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    assert refused_code("报告.docx", bomb, DOCX_TYPE) == "file_unpacked_size"


def test_many_parts_adding_up_past_the_limit_are_refused() -> None:
    parts = {f"word/media/p{i}.bin": bytes(range(256)) * 4096 for i in range(110)}  # 110 × 1 MiB
    assert refused_code("报告.docx", docx(parts), DOCX_TYPE) == "file_unpacked_size"
