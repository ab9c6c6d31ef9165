"""What a process admin uploads to the studio, read into {filename: text}: several .bpmn, .dmn
and form .json files, or one zip of them.

Uploads are untrusted: names are flattened to their last part (no folders, no `..`), only the
three kinds of file are taken, and sizes are bounded before anything is decompressed, so a zip
bomb is refused by its declared sizes and, should they lie, by the bytes actually read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from core.errors import FieldError, InvalidInput

KINDS = (".bpmn", ".dmn", ".json")
MAX_FILES = 50
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the browser sent it, and a way to read it."""

    name: str
    size: int
    stream: IO[bytes]


def _refuse(code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"The upload cannot be read: {en}.",
        f"上传的文件无法读取：{zh}。",
        fields=[FieldError("files", code, zh, en)],
    )


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _skipped(name: str) -> bool:
    """Folders and the metadata archivers add (`__MACOSX/`, `.DS_Store`)."""
    base = _base_name(name)
    return not base or base.startswith(".") or "__MACOSX/" in name.replace("\\", "/")


def _text(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("encoding", f"{name} 不是 UTF-8 文本", f"{name} is not UTF-8 text") from None


def _add(files: dict[str, str], name: str, data: bytes) -> None:
    base = _base_name(name)
    if not base.lower().endswith(KINDS):
        raise _refuse(
            "kind",
            f"{base} 不是 .bpmn、.dmn 或 .json 文件",
            f"{base} is not a .bpmn, .dmn or .json file",
        )
    if base in files:
        raise _refuse("duplicate", f"有两个文件都叫 {base}", f"two files are named {base}")
    if len(files) >= MAX_FILES:
        raise _refuse("too_many", f"最多 {MAX_FILES} 个文件", f"at most {MAX_FILES} files")
    files[base] = _text(base, data)


def _check_size(name: str, size: int, total: int) -> None:
    if size > MAX_FILE_BYTES:
        raise _refuse("too_large", f"{name} 超过 2 MiB", f"{name} is larger than 2 MiB")
    if total > MAX_TOTAL_BYTES:
        raise _refuse("too_large", "文件合计超过 10 MiB", "the files together are larger than 10 MiB")


def _from_zip(upload: Upload, files: dict[str, str]) -> None:
    try:
        archive = zipfile.ZipFile(upload.stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(
            "bad_zip", f"{upload.name} 不是有效的 zip 文件", f"{upload.name} is not a valid zip"
        ) from None
    with archive:
        entries = [
            entry for entry in archive.infolist() if not entry.is_dir() and not _skipped(entry.filename)
        ]
        total = 0
        for entry in entries:
            total += entry.file_size
            _check_size(entry.filename, entry.file_size, total)
            if entry.flag_bits & 0x1:
                raise _refuse("encrypted", f"{entry.filename} 已加密", f"{entry.filename} is encrypted")
        for entry in entries:
            try:
                with archive.open(entry) as member:
                    # The declared size may lie: never read more than it allows.
                    data = member.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
                raise _refuse(
                    "bad_zip", f"{entry.filename} 无法解压", f"{entry.filename} cannot be unpacked"
                ) from None
            _check_size(entry.filename, len(data), 0)
            _add(files, entry.filename, data)


def check_set(files: dict[str, str]) -> None:
    """Refuse (InvalidInput on `files`) a set of files typed in the browser that an upload of the
    same files would refuse: a name that is not a plain .bpmn/.dmn/.json file name, too many files,
    or too many bytes."""
    if len(files) > MAX_FILES:
        raise _refuse("too_many", f"最多 {MAX_FILES} 个文件", f"at most {MAX_FILES} files")
    total = 0
    for name, text in files.items():
        if _base_name(name) != name or _skipped(name) or not name.lower().endswith(KINDS):
            raise _refuse(
                "kind",
                f"{name[:100]} 不是 .bpmn、.dmn 或 .json 文件名",
                f"{name[:100]} is not the name of a .bpmn, .dmn or .json file",
            )
        size = len(text.encode("utf-8"))
        total += size
        _check_size(name, size, total)


def read_uploads(uploads: Iterable[Upload]) -> dict[str, str]:
    """{filename: text} of the uploaded files and of the zips among them; refused as a whole
    (InvalidInput on the `files` field) when any part is not acceptable."""
    files: dict[str, str] = {}
    total = 0
    for upload in uploads:
        total += upload.size
        if upload.name.lower().endswith(".zip"):
            _check_size(upload.name, 0, total)
            _from_zip(upload, files)
            continue
        _check_size(upload.name, upload.size, total)
        _add(files, upload.name, upload.stream.read(MAX_FILE_BYTES + 1))
    if not files:
        raise _refuse("required", "请选择要上传的文件", "choose the files to upload")
    return files
