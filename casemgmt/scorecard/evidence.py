"""Checking and storing evidence uploads: size, type by extension, by the declared type and by
the content (the `filetype` library), and for office documents what their ZIP directory declares.

Files are stored under MEDIA_ROOT with random names (models.evidence_upload_to) and are read
back only through the permission-checked download view.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import filetype
from django.core.files.uploadedfile import UploadedFile

from core.errors import FieldError, InvalidInput

from .models import EVIDENCE_EXTENSIONS, EVIDENCE_MAX_BYTES

# The type filetype must detect in the content for each accepted extension (its extension names).
_DETECTED: dict[str, frozenset[str]] = {
    ".pdf": frozenset({"pdf"}),
    ".png": frozenset({"png"}),
    ".jpg": frozenset({"jpg"}),
    ".jpeg": frozenset({"jpg"}),
    ".gif": frozenset({"gif"}),
    ".webp": frozenset({"webp"}),
    ".doc": frozenset({"doc"}),
    ".xls": frozenset({"xls"}),
    ".ppt": frozenset({"ppt"}),
    ".docx": frozenset({"docx"}),
    ".xlsx": frozenset({"xlsx"}),
    ".pptx": frozenset({"pptx"}),
}
# OOXML packages are ZIP files: the folder of the document's main part, found in the directory
# when filetype, which reads only the first entries, can name no more than "zip".
_OOXML_PART = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
SIGNATURE_BYTES = 8192  # what filetype reads
# Limits on what an office document's ZIP directory declares: its entries unpacked together,
# their number, and how far one large entry claims to expand. Deflate reaches ~1000:1 at most
# (long runs of one byte, the stuff of decompression bombs); even very repetitive spreadsheet XML
# stays well under 500:1 once it is megabytes long.
ZIP_MAX_UNPACKED = 100 * 1024 * 1024
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_RATIO = 500
ZIP_RATIO_FLOOR = 10 * 1024 * 1024  # entries unpacking to less are judged by the total alone
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


# Declared (browser) types we know: one of ours naming another type is a mismatch; anything else
# (empty, application/octet-stream, a guess we do not know) says nothing and is not compared.
_KNOWN_DECLARED = frozenset(CONTENT_TYPES.values()) | {"image/jpg", "image/pjpeg"}


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
    detected = _detect(upload, suffix)
    mismatch = _refuse(
        "file_content", "文件内容与其类型不符。", "The file's content does not match its type."
    )
    if detected not in _DETECTED[suffix]:
        raise mismatch
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared in _KNOWN_DECLARED and declared not in _declared_for(suffix):
        raise mismatch
    if suffix in _OOXML_PART:
        _check_zip(upload)
    return suffix, CONTENT_TYPES[suffix]


def _detect(upload: UploadedFile, suffix: str) -> str | None:
    """The type filetype finds in the content (its extension name), or None. An OOXML package
    that filetype sees only as a ZIP counts as the extension's type when its directory holds
    the document's main part and the content-types part."""
    upload.seek(0)
    head = upload.read(SIGNATURE_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    found = kind.extension if kind is not None else None
    if found == "zip" and suffix in _OOXML_PART:
        names = _zip_names(upload)
        if "[Content_Types].xml" in names and any(n.startswith(_OOXML_PART[suffix]) for n in names):
            return suffix.lstrip(".")
    return found


def _zip_names(upload: UploadedFile) -> list[str]:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return []
    finally:
        upload.seek(0)


def _check_zip(upload: UploadedFile) -> None:
    """Refuse an office document whose ZIP directory is unreadable or declares absurd sizes."""
    bomb = _refuse(
        "file_unpacked_size",
        f"文件解压后过大（超过 {ZIP_MAX_UNPACKED // (1024 * 1024)} MB 或压缩比异常）。",
        f"The document would unpack to an absurd size (over {ZIP_MAX_UNPACKED // (1024 * 1024)} MB "
        "or an abnormal compression ratio).",
    )
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(
            "file_content", "文件内容与其类型不符。", "The file's content does not match its type."
        ) from exc
    finally:
        upload.seek(0)
    if len(entries) > ZIP_MAX_ENTRIES or sum(e.file_size for e in entries) > ZIP_MAX_UNPACKED:
        raise bomb
    for entry in entries:
        expands = entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
        if entry.file_size > ZIP_RATIO_FLOOR and expands:
            raise bomb


def _declared_for(suffix: str) -> frozenset[str]:
    """The declared types that agree with an extension (browsers differ on JPEG's name)."""
    main = CONTENT_TYPES[suffix]
    return frozenset({main, "image/jpg", "image/pjpeg"}) if main == "image/jpeg" else frozenset({main})


def check_url(url: str) -> str:
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 500:
        raise _refuse("url", "链接须为 http(s) 地址。", "The link must be an http(s) address.")
    return text
