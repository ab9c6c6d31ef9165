"""The part a countersign or an added signer puts after a task's name in its row's title
("提交申请 · 会签（1/3）", "提交申请 · 前加签"), shown in English on an English page.

Rows keep their title in Chinese, the users' language, as it was when the task opened
(countersign.Part.title, added_signers). An English page swaps the element's name
(catalog._swapped) and this module the part, where it is one the engine writes; a label a diagram
chose itself (the `countersignLabel` property) has no English and stays as written.
"""

from __future__ import annotations

import re

from django.utils.translation import pgettext

from core.errors import in_chinese

from .countersign import PARALLEL_LABEL, SEQUENTIAL_LABEL
from .models import HumanTask

# " · <label>" with the countersign's "（<place>/<total>）" where there is one.
_PART = re.compile(r"^ · (?P<label>[^（]+?)(?:（(?P<index>\d+)/(?P<total>\d+)）)?$")


def _english_labels() -> dict[str, str]:
    """{the label as rows hold it: in the reader's language}; read per call, so that each page
    gets its own language."""
    labels = {
        PARALLEL_LABEL: pgettext("countersign part", "Countersign"),
        SEQUENTIAL_LABEL: pgettext("countersign part", "In sequence"),
        "或签": pgettext("countersign part", "Any one signs"),
    }
    for mode in HumanTask.AddedMode:
        labels[in_chinese(mode.label)] = str(mode.label)
    return labels


def shown_part(part: str) -> str:
    """`part` (what follows the name in a row's title) in the reader's language."""
    found = _PART.match(part)
    if found is None:
        return part
    label = _english_labels().get(found["label"])
    if label is None:
        return part
    place = f" ({found['index']}/{found['total']})" if found["index"] else ""
    return f" · {label}{place}"
