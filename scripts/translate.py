"""Refresh the message catalogues and fill in Chinese translations from a JSON file.

    python scripts/translate.py [translations.json]

Runs makemessages (the README's command), then sets msgstr for every msgid found in the JSON
object {"English msgid": "中文"} and prints the msgids still untranslated. A msgid with a context
(pgettext, {% translate ... context ... %}) is keyed "context\u0004msgid", as gettext keys it.
Several people may work at once: the whole step runs under an exclusive lock on locale/.lock.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES = [
    sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete",
    "--ignore=.venv", "--ignore=node_modules", "--ignore=var", "--ignore=bench", "--ignore=tests",
]  # fmt: skip


def _translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def main(argv: list[str]) -> int:
    translations: dict[str, str] = json.loads(Path(argv[1]).read_text("utf-8")) if len(argv) > 1 else {}
    with open(ROOT / "locale" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(MAKEMESSAGES, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (fixed argv)
        catalogue = polib.pofile(str(CATALOGUE))
        for entry in catalogue:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            if key in translations:
                # Chinese has one plural form: a plural entry takes the same text for msgstr[0].
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: translations[key]}
                else:
                    entry.msgstr = translations[key]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        catalogue.save()
        missing = [e.msgid for e in catalogue if not e.obsolete and not _translated(e)]
    for msgid in missing:
        print(msgid)
    print(f"{len(missing)} untranslated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
