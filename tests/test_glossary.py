"""locale/GLOSSARY.md holds: every listed msgid is translated as the glossary says, and no
translation uses a word the glossary rules out."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "locale" / "GLOSSARY.md"
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def rows() -> list[tuple[str, str, str]]:
    found = []
    for line in GLOSSARY.read_text("utf-8").splitlines():
        cells = [cell.strip().replace("\\|", "|") for cell in line.replace("\\|", "\x00").split("|")[1:-1]]
        cells = [cell.replace("\x00", "|") for cell in cells]
        if len(cells) == 4 and cells[0] not in ("msgid", "---"):
            found.append((cells[0], cells[1], cells[2]))
    return found


def translations() -> dict[str, str]:
    catalogue = polib.pofile(str(CATALOGUE))
    return {
        (f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid): entry.msgstr
        for entry in catalogue
        if not entry.obsolete and not entry.msgid_plural
    }


def test_the_glossary_has_terms() -> None:
    assert len(rows()) > 20


@pytest.mark.parametrize(("msgid", "chinese", "never"), rows())
def test_each_term_is_translated_as_the_glossary_says(msgid: str, chinese: str, never: str) -> None:
    catalogue = translations()
    assert msgid in catalogue, f"{msgid!r} is not in the catalogue any more: update locale/GLOSSARY.md"
    assert catalogue[msgid] == chinese
    if never:
        users = sorted(key for key, text in catalogue.items() if never in text)
        assert users == [], f"{never!r} is ruled out for {chinese!r}, yet used by {users}"
