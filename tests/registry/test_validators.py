"""The unified social credit code (GB 32100-2015) and phone number validators."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from casemgmt.registry.validators import uscc_check_character, validate_cn_phone, validate_uscc

# Check characters computed with the GB 32100-2015 weights (and agreeing, for the first two, with
# codes published on business licences).
VALID_USCC = [
    "914403001922038216",  # digit-leading, all digits
    "91440300708461136T",  # letter check character
    "91310000MA1FL8XX3C",  # letters inside
    "91310117MA1J3ABCD0",
    "N1310117MA1J3ABCDJ",  # letter-leading (N: trade unions)
    "Y13101170000000000",  # letter-leading (Y: other authorities)
    "123101174250123456",
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_codes(code: str) -> None:
    assert validate_uscc(code) == code


def test_normalises_case_and_whitespace() -> None:
    assert validate_uscc("  91310000ma1fl8xx3c ") == "91310000MA1FL8XX3C"
    assert validate_uscc("n1310117ma1j3abcdj") == "N1310117MA1J3ABCDJ"


def test_check_character_wraps_31_to_0() -> None:
    # A base whose weighted sum is a multiple of 31 gets "0", never an out-of-range character.
    assert uscc_check_character("00000000000000000") == "0"


@pytest.mark.parametrize(
    "code",
    ["91310000MA1FL8XX3X", "914403001922038217", "N1310117MA1J3ABCDK", "91310117MA1J3ABCD1"],
)
def test_wrong_check_character(code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == "uscc_checksum"


@pytest.mark.parametrize(
    "code",
    [
        "91310000MA1FL8XI3C",  # I
        "91310000MA1FL8XO3C",  # O
        "91310000MA1FL8XZ3C",  # Z
        "91310000MA1FL8XS3C",  # S
        "91310000MA1FL8XV3C",  # V
        "9131000-MA1FL8XX3C",
        "91310000MA1FL8XX3",  # 17
        "91310000MA1FL8XX3C0",  # 19
        "",
    ],
)
def test_bad_format(code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == "uscc_format"


@pytest.mark.parametrize(
    ("number", "e164"),
    [
        ("13812345678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("021-57812345", "+862157812345"),
        ("(021) 5781 2345", "+862157812345"),
        ("+86 21 5781 2345", "+862157812345"),
    ],
)
def test_valid_phone(number: str, e164: str) -> None:
    assert validate_cn_phone(number) == e164


@pytest.mark.parametrize(
    "number",
    [
        "",
        "12345",
        "57812345",
        "1381234567",
        "138123456789",
        "+1 650 253 0000",
        "400-820-8820",
        "95588",
        "abc",
    ],
)
def test_invalid_phone(number: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_cn_phone(number)
    assert error.value.code == "invalid_phone"
