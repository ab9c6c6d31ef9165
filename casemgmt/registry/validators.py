"""Validators for Chinese identifiers: the unified social credit code and phone numbers."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 31 characters, the letters I, O, Z, S and V left out.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18
_VALUE = {char: value for value, char in enumerate(USCC_ALPHABET)}


def uscc_check_character(base: str) -> str:
    """The check character (the 18th) for the first 17 characters of a code."""
    if len(base) != USCC_LENGTH - 1 or any(char not in _VALUE for char in base):
        raise ValueError("17 characters of the USCC alphabet expected")
    total = sum(_VALUE[char] * weight for char, weight in zip(base, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """The code normalised (trimmed, upper-case), or ValidationError."""
    normalised = (code or "").strip().upper()
    if len(normalised) != USCC_LENGTH or any(char not in _VALUE for char in normalised):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "other than I, O, Z, S and V."
            ),
            code="uscc_format",
        )
    if uscc_check_character(normalised[:-1]) != normalised[-1]:
        raise ValidationError(
            _("This unified social credit code is not valid: its check character does not match."),
            code="uscc_checksum",
        )
    return normalised


def validate_cn_phone(number: str) -> str:
    """A mainland China mobile or fixed-line number (with area code) in E.164, or ValidationError."""
    message = _("Enter a valid phone number: a mobile number or a fixed line with its area code.")
    try:
        parsed = phonenumbers.parse((number or "").strip(), "CN")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(message, code="invalid_phone") from error
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(message, code="invalid_phone")
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(message, code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# Model-field validators: Django ignores a validator's return value, so these only check; code that
# stores a value runs it through validate_uscc / validate_cn_phone first to normalise it.
def check_uscc(code: str) -> None:
    validate_uscc(code)


def check_cn_phone(number: str) -> None:
    if number:
        validate_cn_phone(number)


def display_phone(number: str) -> str:
    """A stored E.164 number as people in China write it ("021 5781 2345", "139 1234 5678")."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
