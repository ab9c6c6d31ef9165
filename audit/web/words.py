"""Where the audit pages get words for the codes an event records: org unit names, role labels
and the labels of a payload's fields.

Audit sits below every other app and imports none of them; the apps that own the codes plug
their words in here when Django starts (casemgmt: units and roles; workflows: a task's form).
Without a plug-in the pages show the code itself, so nothing here is needed for correctness.
Each lookup takes a whole page of events at once: one query per kind, not per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import AuditEvent


@dataclass(frozen=True)
class FieldWords:
    """A payload field's label and, for a coded field, each code's title."""

    label: Any  # str or a lazy translation, made text when shown
    values: Mapping[str, Any] = field(default_factory=dict)


# code → unit name in the reader's language, for the codes asked about (one query).
UnitNames = Callable[[Iterable[str]], Mapping[str, str]]
# event id → {payload path: its words} for a page of events of one target type. A path is
# spelt as audit.web.diff spells it ("data.rating"); it labels that path and all below it.
PayloadWords = Callable[[Sequence[AuditEvent]], Mapping[int, Mapping[str, FieldWords]]]

_unit_names: UnitNames | None = None
_role_labels: dict[str, Any] = {}
_payload_words: dict[str, PayloadWords] = {}


def set_unit_names(lookup: UnitNames) -> None:
    global _unit_names
    _unit_names = lookup


def set_role_labels(labels: Mapping[str, Any]) -> None:
    _role_labels.clear()
    _role_labels.update(labels)


def register_payload_words(target_type: str, words: PayloadWords) -> None:
    _payload_words[target_type] = words


def unit_names(codes: Iterable[str]) -> dict[str, str]:
    wanted = {code for code in codes if code}
    if not wanted or _unit_names is None:
        return {}
    return dict(_unit_names(wanted))


def role_label(code: str) -> str:
    label = _role_labels.get(code)
    return str(label) if label is not None else code


def payload_words(target_type: str, events: Sequence[AuditEvent]) -> Mapping[int, Mapping[str, FieldWords]]:
    words = _payload_words.get(target_type)
    return words(events) if words is not None and events else {}
