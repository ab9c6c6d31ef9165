"""A message already rendered in one language, in Chinese and in English.

DRF and Django render their messages when an error is raised, in the request's language. The API
answers every message in both, so a rendered text is looked up in the catalogue both ways: as an
English msgid, or as a Chinese translation (reverse index of the zh-hans catalogue, built once).
"""

from __future__ import annotations

import functools

from django.utils import translation
from django.utils.translation import gettext

CHINESE = "zh-hans"


@functools.cache
def _msgids_by_chinese() -> dict[str, str]:
    # Django keeps the merged catalogue (Django's, DRF's, ours) per language; reading it is the
    # only way from a translation back to its msgid.
    from django.utils.translation import trans_real

    found: dict[str, str] = {}
    catalog = getattr(trans_real.translation(CHINESE), "_catalog", None)
    items = catalog.items() if catalog is not None else []
    for msgid, text in items:
        if isinstance(msgid, str) and msgid and isinstance(text, str) and text:
            found.setdefault(text, msgid)
    return found


def both_languages(text: str) -> tuple[str, str]:
    """(Chinese, English) of a text rendered in either; the text twice if the catalogue lacks it."""
    if not text:
        return text, text
    with translation.override(CHINESE):
        chinese = gettext(text)
    if chinese != text:
        return chinese, text
    msgid = _msgids_by_chinese().get(text)
    if msgid is None:
        return text, text
    with translation.override("en"):
        return text, gettext(msgid)


def in_english(text: str) -> str:
    return both_languages(text)[1]
