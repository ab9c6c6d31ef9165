"""A deployed version as a zip of its files, exactly as deployed, to download and upload again."""

from __future__ import annotations

import io
import zipfile

from workflows.models import ProcessModelVersion


def file_name(version: ProcessModelVersion) -> str:
    return f"{version.process_model.key}-v{version.number}.zip"


def version_zip(version: ProcessModelVersion) -> bytes:
    buffer = io.BytesIO()
    # A fixed timestamp: the same version always downloads as the same bytes.
    stamp = version.deployed_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(version.files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, version.files[name].encode("utf-8"))
    return buffer.getvalue()
