"""Uploaded files (scorecard evidence) sealed on disk with the same keys as the personal-data
columns (ciphers.py): written sealed, read back in the clear through the storage, so the
permission-checked download view and everything else that opens a file are unchanged. A file
written before sealing was switched on (no header) reads as it is. The associated data is fixed
rather than the file's name: FileSystemStorage may pick another name after the content is
sealed (two uploads racing for one name), and evidence names are random anyway."""

from __future__ import annotations

import io
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from .ciphers import is_sealed_bytes, open_bytes, seal_bytes

AAD = "nqi-file"


class SealedFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: Any) -> str:
        data = b"".join(content.chunks())
        # _save/_open are Django's documented override points; its stubs leave them out.
        return super()._save(name, ContentFile(seal_bytes(data, AAD)))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("sealed files are written through save(), not opened for writing")
        with super()._open(name, "rb") as stored:  # type: ignore[misc]
            data = stored.read()
        if is_sealed_bytes(data):
            data = open_bytes(data, AAD)
        return _Opened(self, name, data)

    def size(self, name: str) -> int:
        """The size of what a reader gets (the plain content), not of the sealed file on disk."""
        with self._open(name) as handle:
            return len(handle.read())


class _Opened(File):
    """A file read back in the clear; opening it again once closed reads it again through the
    storage (a plain FileSystemStorage file reopens its path, which here holds the sealed bytes)."""

    def __init__(self, storage: SealedFileSystemStorage, name: str, data: bytes) -> None:
        super().__init__(io.BytesIO(data), name=name)
        self._storage = storage

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> _Opened:
        if self.closed:
            self.file = self._storage._open(str(self.name)).file
        else:
            self.seek(0)
        return self
