"""Before/after comparison of audit payloads as a list of changed leaf paths.

Pure (no Django, no database) so it can be tested with plain values. Nested objects become
dotted paths (`form.applicant.name`), list items get an index (`items[2].qty`), and keys that
would be ambiguous in a dotted path (containing `.`, `[`, `]` or empty) are quoted: `meta["a.b"]`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final, Literal

Kind = Literal["added", "removed", "changed"]

ADDED: Final = "added"
REMOVED: Final = "removed"
CHANGED: Final = "changed"

# The path of a payload that is a single scalar rather than an object or a list.
ROOT = ""


@dataclass(frozen=True)
class Change:
    path: str
    kind: Kind
    old: Any = None
    new: Any = None

    @property
    def old_text(self) -> str:
        return "" if self.kind == ADDED else to_text(self.old)

    @property
    def new_text(self) -> str:
        return "" if self.kind == REMOVED else to_text(self.new)


def to_text(value: Any) -> str:
    """JSON spelling, so that the string "1" and the number 1 look different to the reviewer."""
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def flatten(value: Any) -> dict[str, Any]:
    """Leaf paths to leaf values, in document order.

    A top-level null or empty container contributes nothing: "no state" before a creation or
    after a deletion. Nested empty containers are leaves, so `{"a": {}}` differs from `{}`.
    """
    flat: dict[str, Any] = {}
    if value is None or (isinstance(value, dict | list) and not value):
        return flat
    _walk(value, ROOT, flat)
    return flat


def diff(before: Any, after: Any) -> list[Change]:
    """What changed from `before` to `after`: paths of `before` first, then paths only in `after`."""
    old, new = flatten(before), flatten(after)
    changes: list[Change] = []
    for path, old_value in old.items():
        if path not in new:
            changes.append(Change(path, REMOVED, old=old_value))
        elif not _same(old_value, new[path]):
            changes.append(Change(path, CHANGED, old=old_value, new=new[path]))
    changes.extend(Change(path, ADDED, new=value) for path, value in new.items() if path not in old)
    return changes


def _walk(value: Any, path: str, flat: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _walk(item, key_path(path, str(key)), flat)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", flat)
    else:
        flat[path] = value


def key_path(path: str, key: str) -> str:
    """The path of `key` below `path`, spelt as the diff spells it (labels are keyed by it)."""
    if key and not any(c in key for c in ".[]\"'"):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _same(a: Any, b: Any) -> bool:
    # Python's 1 == 1.0 == True; JSON's are three different values and a change between them counts.
    return type(a) is type(b) and a == b
