"""The translation catalogues as the suite needs them: compiled, and checked without Django.

The .mo files are build output (not committed; scripts/_setup.sh compiles them). The suite must
also pass on a fresh clone before any set-up, so it compiles them itself (see conftest.py) with
polib, which gives what `msgfmt` gives: fuzzy and untranslated entries are left out.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"

# The source the catalogue is extracted from, and the command that extracts it (also what a
# developer runs after adding a string; keep the two in step).
SOURCE_DIRS = (
    "config", "core", "workflows", "casemgmt", "audit", "notifications", "studio", "templates", "static",
    "locale",
)  # fmt: skip
SOURCE_FILES = ("manage.py",)
MAKEMESSAGES_IGNORES = (".venv", "node_modules", "var", "bench", "tests")

# %(name)s / %(n)d / %s, and `{name}` (str.format). Blocktranslate placeholders arrive as %(name)s.
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeEx%]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def placeholders(text: str) -> list[str]:
    """The placeholders of a message, sorted (a translation may reorder them); `%%` is not one."""
    return sorted(p for p in _PLACEHOLDER.findall(text) if p != "%%")


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write each .po's .mo next to it where missing or older (compilemessages' own rule);
    returns what was written.

    The write is atomic (a temporary file renamed over the old one), so concurrent test
    processes doing the same never see a half-written catalogue.
    """
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        data = polib.pofile(str(po_path)).to_binary()
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, prefix=".tmp-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a server run as another user
            os.replace(tmp, mo_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(mo_path)
    return written


def forget_loaded_translations() -> None:
    """Make Django reload the catalogues, the way it does when a test overrides LOCALE_PATHS."""
    import django.test.signals  # noqa: F401  (connects the receiver that clears the caches)
    from django.conf import settings
    from django.core.signals import setting_changed

    if not settings.configured:
        return  # nothing can have been loaded yet
    setting_changed.send(
        sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False
    )
