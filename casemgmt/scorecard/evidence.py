"""Checking and storing evidence uploads: size, type by extension and by the file's first bytes.

Files are stored under MEDIA_ROOT with random names (models.evidence_upload_to) and are read
back only through the permission-checked download view.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.core.files.uploadedfile import UploadedFile

from config.errors import FieldError, InvalidInput

from .models import EVIDENCE_EXTENSIONS, EVIDENCE_MAX_BYTES

# What the first bytes of each accepted type look like; office formats are ZIP (OOXML) or OLE2.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".ppt": (b"\xd0\xcf\x11\xe0",),
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def _refuse(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(en, zh, fields=[FieldError("evidence", code, zh, en)])


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """(extension, content type) of an acceptable upload; InvalidInput otherwise."""
    name = upload.name or ""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        raise _refuse(
            "file_type",
            "只接受 PDF、图片或 Office 文档。",
            "Only PDF files, images and office documents are accepted.",
        )
    if upload.size is None or upload.size == 0:
        raise _refuse("empty", "文件为空。", "The file is empty.")
    if upload.size > EVIDENCE_MAX_BYTES:
        raise _refuse(
            "too_large",
            f"文件不能超过 {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB。",
            f"The file must not exceed {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB.",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC[suffix]):
        raise _refuse(
            "file_content",
            "文件内容与其类型不符。",
            "The file's content does not match its type.",
        )
    return suffix, CONTENT_TYPES[suffix]


def check_url(url: str) -> str:
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 500:
        raise _refuse("url", "链接须为 http(s) 地址。", "The link must be an http(s) address.")
    return text
