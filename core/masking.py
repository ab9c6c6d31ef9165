"""Masking personal values for display: phones, names, addresses, e-mail addresses.

Every list, export and API list shows these masked for every role (issue 19, item 3); the full
value is revealed per record with a reason (casemgmt/reveal) or exported with a reason and a
watermark (core/disclosure.py). Pure functions over text, no Django, no database, so the pages,
the exports and the audit area (which may not import casemgmt) all mask the same way.

The shapes, chosen to keep what a reader needs to tell records apart and nothing more:

- phone: a mobile keeps its first 3 and last 4 digits (`139****0000`); a fixed line keeps its
  area code and last 4 (`021****2345`); anything else keeps at most its last 4 digits and never
  more than half of them. `+86`, `0086`, spaces and dashes are ignored.
- name: the first character stays, every other character becomes one `*` (`王小明` → `王**`,
  `王某` → `王*`, `John Smith` → `J*** *****`); a one-character name is all hidden (`*`).
- address: the part up to the district (区/县) and the street or town (街道/镇/乡) stays, the
  rest becomes `****`; without those markers the first 6 characters (at most half) stay.
- e-mail: the first character of the mailbox and the domain stay (`z***@example.com`).

None and "" stay "" (nothing to mask, nothing to reveal).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

STARS = "****"
# Area codes of two digits after the leading 0: Beijing (10) and 20-29 (Guangzhou, Shanghai …).
_TWO_DIGIT_AREAS = re.compile(r"0(?:10|2\d)")
_DISTRICT = re.compile(r"^.{0,12}?(?:区|县)")
_STREET = re.compile(r".{0,12}?(?:街道|镇|乡)")
ADDRESS_PREFIX = 6


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def mask_phone(value: Any) -> str:
    """A phone number with its middle hidden: 139****0000, 021****2345, ****4567."""
    text = _text(value)
    if not text:
        return ""
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and (international or len(digits) in (12, 13)):
        digits = digits[2:]
    elif international:
        return _tail(digits)  # another country's number: its own rules, keep only the end
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + STARS + digits[-4:]
    if international and digits and not digits.startswith("0"):
        digits = "0" + digits  # +86 21 … is 021 … at home
    if digits.startswith("0") and len(digits) >= 10:
        area = digits[:3] if _TWO_DIGIT_AREAS.match(digits) else digits[:4]
        return area + STARS + digits[-4:]
    return _tail(digits)


def _tail(digits: str) -> str:
    keep = min(4, len(digits) // 2)
    return STARS + (digits[-keep:] if keep else "")


def mask_name(value: Any) -> str:
    """A person's name with all but its first character hidden, one star per character."""
    text = _text(value)
    if not text:
        return ""
    if len(text) == 1:
        return "*"
    return text[0] + "".join(c if c.isspace() else "*" for c in text[1:])


def mask_address(value: Any) -> str:
    """An address down to its district and street or town, the rest hidden."""
    text = _text(value)
    if not text:
        return ""
    end = 0
    district = _DISTRICT.match(text)
    if district is not None:
        end = district.end()
    street = _STREET.match(text, end)
    if street is not None:
        end = street.end()
    if end == 0:
        end = min(ADDRESS_PREFIX, len(text) // 2)
    if end >= len(text):
        return text  # only a district or street: nothing that points at one place
    return text[:end] + STARS


def mask_email(value: Any) -> str:
    """An e-mail address with its mailbox hidden but for the first character."""
    text = _text(value)
    if not text:
        return ""
    mailbox, at, domain = text.rpartition("@")
    if not at:
        return mask_name(text)
    return (mailbox[:1] or "*") + "***@" + domain


def mask_other(value: Any) -> str:
    """Any other personal value (an identity number, say): first character, then stars."""
    text = _text(value)
    return "" if not text else text[:1] + STARS


PHONE = "phone"
NAME = "name"
ADDRESS = "address"
EMAIL = "email"
OTHER = "other"

MASKERS: Mapping[str, Callable[[Any], str]] = {
    PHONE: mask_phone,
    NAME: mask_name,
    ADDRESS: mask_address,
    EMAIL: mask_email,
    OTHER: mask_other,
}

# The keys that hold personal values wherever they appear: model fields, audit payloads
# (before/after, nested at any depth), API rows. One list for the pages, the exports and the
# audit area. An enterprise's or a station's own name is not personal and is not listed.
PERSONAL_KEYS: Mapping[str, str] = {
    "contact_name": NAME,
    "contact_phone": PHONE,
    "phone": PHONE,
    "mobile": PHONE,
    "telephone": PHONE,
    "address": ADDRESS,
    "enterprise_address": ADDRESS,
    "email": EMAIL,
    "e_mail": EMAIL,
    # The matched expert is a person, named by the operator (a form field and an audit key).
    "expert": NAME,
    "matched_expert": NAME,
    "office_expert": NAME,
    "id_number": OTHER,
}


def mask(kind: str, value: Any) -> str:
    """`value` masked as a `kind` (PHONE, NAME, ADDRESS, EMAIL, OTHER)."""
    return MASKERS[kind](value)


def kind_of_key(key: str) -> str | None:
    """The masking kind of a payload key, or None when the key is not personal."""
    return PERSONAL_KEYS.get(key.lower())


def mask_payload(value: Any) -> Any:
    """A JSON-like value with every personal key's value masked, at any depth. Values under a
    personal key that are not text (a number, a list of phones) are masked item by item."""
    if isinstance(value, dict):
        return {
            key: _masked_under(kind, item) if (kind := kind_of_key(str(key))) else mask_payload(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_payload(item) for item in value]
    return value


def _masked_under(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return value
    if isinstance(value, dict):
        return {key: _masked_under(kind, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked_under(kind, item) for item in value]
    if isinstance(value, bool):
        return value
    return mask(kind, value)
