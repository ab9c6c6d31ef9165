"""Values as a jsonb column gives them back, so that the hash covers exactly what is stored.

An event's before/after are hashed in the canonical form (audit.chain) and stored as jsonb;
audit_verify later hashes what jsonb returns. Both must be the same JSON, so a value is brought
ONCE, before either, to what a jsonb round trip makes of it. jsonb keeps numbers as PostgreSQL
`numeric`, which (a) has no negative zero: -0.0 reads back as 0.0, and (b) prints no exponent:
1e+16 (Python's spelling of any float of 1e16 or more) reads back as the integer
10000000000000000, 1e100 as 1 and a hundred zeros. Every other float Python writes reads back as
the same float (numeric keeps the decimal exactly; Python parses it to the nearest double, which
is the float it came from); ints, strings, booleans, null and key order (the canonical form sorts
keys) need nothing.

What jsonb cannot hold at all is refused with ValueError, never silently changed: NaN and
Infinity (not JSON), NUL in a string or key (jsonb refuses \\u0000) and lone surrogates (not
encodable as UTF-8). Mapping them to something storable would put in the log a value that the
caller never had; the callers validate their input (forms and DRF already refuse all three), so
reaching here with one is a bug to surface, not data to keep.

Cheap on the engine's hot path: the value is encoded once anyway (to apply DjangoJSONEncoder);
only when that text shows a possible exponent, negative zero, NUL or surrogate is the decoded
value walked. Typical task data takes the fast path.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

# The characters PostgreSQL cannot store in text (looked for only once a cheaper test found a hint).
_BAD_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def as_stored(name: str, value: Any) -> Any:
    """`value` as plain JSON data, exactly as a jsonb column will give it back.

    Dates, decimals, UUIDs… become what DjangoJSONEncoder makes of them first. ValueError names
    `name` when the value cannot be stored.
    """
    if value is None:
        return None
    try:
        text = json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"audit field {name!r} is not JSON-serializable: {exc}") from exc
    plain = json.loads(text)
    if not _needs_care(text):
        return plain
    return _normalized(plain, name, "$")


def _needs_care(text: str) -> bool:
    """Whether the encoded text may hold something to normalise or refuse.

    False alarms (the same characters inside a string, a number such as -0.05) only cost the
    walk; a miss is impossible: Python spells every float needing care "…e+…" or "-0.0", json
    escapes NUL as \\u0000, and with ensure_ascii off a surrogate stays itself, which UTF-8 refuses.
    Plain substring tests: a regular expression over the text cost several times more.
    """
    if "e+" in text or "-0.0" in text or "\\u0000" in text:
        return True
    return not text.isascii() and not _encodable(text)


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def check_text(name: str, value: str) -> None:
    """Refuse a string PostgreSQL cannot store: NUL, or a lone surrogate (not valid UTF-8)."""
    if "\x00" not in value and (value.isascii() or _encodable(value)):
        return  # the usual case, without the regular expression (isascii() reads a flag)
    found = _BAD_TEXT.search(value)
    if found is not None:
        raise ValueError(f"audit field {name!r} {_what(found.group())}.")


def stored_float(value: float) -> float | int:
    """A float as jsonb's numeric gives it back (see the module docstring)."""
    if value == 0.0:
        return 0.0  # -0.0 too
    spelled = repr(value)
    if "e+" in spelled:
        # The decimal Python wrote, not the binary value: int(1e23) is 99999999999999991611392,
        # but jsonb reads "1e+23" as 100000000000000000000000.
        return int(Decimal(spelled))
    return value


def _normalized(value: Any, name: str, path: str) -> Any:
    # Only the types json.loads produces reach here.
    if isinstance(value, float):
        return stored_float(value)
    if isinstance(value, str):
        _check_member(name, path, value)
        return value
    if isinstance(value, list):
        return [_normalized(item, name, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        normalized = {}
        for key, item in value.items():
            _check_member(name, f"{path} key {key!r}", key)
            normalized[key] = _normalized(item, name, f"{path}.{key}")
        return normalized
    return value


def _check_member(name: str, path: str, text: str) -> None:
    found = _BAD_TEXT.search(text)
    if found is not None:
        raise ValueError(f"audit field {name!r} at {path} {_what(found.group())}.")


def _what(character: str) -> str:
    if character == "\x00":
        return "contains a NUL character, which PostgreSQL cannot store"
    return f"contains a lone surrogate (U+{ord(character):04X}), which is not valid Unicode text"
