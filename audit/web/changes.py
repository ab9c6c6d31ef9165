"""An event's before/after difference in words: "满意度: 满意 → 非常满意" rather than
`data.rating "4" "5"`.

A field is labelled by what is known of it: the words an app registered for the target's payload
(audit.web.words; a task's form titles its properties), else the verbose name of the target
model's field (audit.targets.TARGET_MODELS), else the key itself. Coded values are shown by
their titles. The path and the JSON spelling of each value stay on the page as tooltips. A
value under a personal key (core.masking.PERSONAL_KEYS: contact names, phones, addresses …) is
masked, in the text and the tooltip alike; the difference is taken before masking, so a change
that masks to the same text ("139****0000") is still listed. Only a full export with a reason
shows the raw payloads (audit/web/exports.py).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core import masking

from ..models import AuditEvent
from ..targets import target_model
from . import words
from .diff import ADDED, REMOVED, Change, Kind, diff, to_text
from .words import FieldWords

# One step of a diff path: `key` (first), `.key`, `["quoted key"]` or `[index]`.
_SEGMENT = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|\d+)\]|\.?[^.\[]+')
_INDICES = re.compile(r"(?:\[\d+\])*")
EMPTY = "—"


@dataclass(frozen=True)
class Line:
    path: str  # as audit.web.diff spells it: the tooltip and data-path
    kind: Kind
    label: str
    old: str  # shown
    new: str
    old_json: str  # the exact value, as a tooltip
    new_json: str


def lines_for(events: Sequence[AuditEvent]) -> dict[int, list[Line]]:
    """event id → its changes in words, for a page of events (one lookup per target type)."""
    by_type: dict[str, list[AuditEvent]] = defaultdict(list)
    for event in events:
        by_type[event.target_type].append(event)
    lines: dict[int, list[Line]] = {}
    for target_type, group in by_type.items():
        of_model = model_words(target_type)
        registered = words.payload_words(target_type, group)
        for event in group:
            known = {**of_model, **registered.get(event.pk, {})}
            lines[event.pk] = [line(change, known) for change in diff(event.before, event.after)]
    return lines


def model_words(target_type: str) -> dict[str, FieldWords]:
    """Payload key → the target model's field label and its choices' labels. A field without a
    verbose name of its own keeps its key: the automatic one is the key in English, untranslated."""
    model = target_model(target_type)
    if model is None:
        return {}
    found: dict[str, FieldWords] = {}
    for field in model._meta.concrete_fields:
        named = getattr(field, "_verbose_name", None) is not None
        if not named and not field.choices:
            continue
        choices = {str(value): label for value, label in field.flatchoices} if field.choices else {}
        for key in {field.name, field.attname}:
            found[key] = FieldWords(field.verbose_name if named else key, choices)
    return found


def line(change: Change, known: Mapping[str, FieldWords]) -> Line:
    label, coded = _label(change.path, known)
    kind = personal_kind(change.path)
    if kind is not None:
        old, new = _masked(kind, change.old), _masked(kind, change.new)
        return Line(
            path=change.path,
            kind=change.kind,
            label=label,
            old="" if change.kind == ADDED else shown(old, {}),
            new="" if change.kind == REMOVED else shown(new, {}),
            old_json="" if change.kind == ADDED else to_text(old),
            new_json="" if change.kind == REMOVED else to_text(new),
        )
    return Line(
        path=change.path,
        kind=change.kind,
        label=label,
        old="" if change.kind == ADDED else shown(change.old, coded),
        new="" if change.kind == REMOVED else shown(change.new, coded),
        old_json=change.old_text,
        new_json=change.new_text,
    )


def personal_kind(path: str) -> str | None:
    """The masking kind of a diff path when one of its keys is personal (the innermost wins)."""
    found = None
    for match in _SEGMENT.finditer(path):
        segment = match.group(0)
        if segment.startswith("[") and not segment.startswith('["'):
            continue  # a list index
        key = json.loads(segment[1:-1]) if segment.startswith('["') else segment.lstrip(".")
        found = masking.kind_of_key(str(key)) or found
    return found


def _masked(kind: str, value: Any) -> Any:
    # A diff's leaves are scalars or empty containers: nothing to hide in null, "", yes/no, {} or [].
    if value is None or value == "" or isinstance(value, bool | dict | list):
        return value
    return masking.mask(kind, value)


def shown(value: Any, coded: Mapping[str, Any]) -> str:
    """A value as a reader says it: a code by its title, yes/no, text without JSON quotes."""
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value) in coded:
        return str(coded[str(value)])
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        return value
    return to_text(value)


def _label(path: str, known: Mapping[str, FieldWords]) -> tuple[str, Mapping[str, Any]]:
    """The label of the nearest labelled ancestor (with the rest of the path after it) and the
    codes its values are titled by (for the field itself or the items of a list)."""
    for end in reversed([match.end() for match in _SEGMENT.finditer(path)]):
        found = known.get(path[:end])
        if found is not None:
            rest = path[end:]
            coded = found.values if _INDICES.fullmatch(rest) else {}
            return f"{found.label}{rest}", coded
    return (path or _("(whole value)")), {}
