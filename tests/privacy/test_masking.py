"""core.masking with awkward values: the shapes every list, export and API list shows."""

from __future__ import annotations

from typing import Any

import pytest

from core import masking
from core.masking import mask_address, mask_email, mask_name, mask_payload, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("+8613912340000", "139****0000"),  # as stored (E.164)
        ("13912340000", "139****0000"),
        ("139 1234 0000", "139****0000"),  # as the pages write it
        ("+86 139-1234-0000", "139****0000"),
        ("008613912340000", "139****0000"),
        ("8613912340000", "139****0000"),
        ("  13912340000  ", "139****0000"),
        ("+862157812345", "021****2345"),  # a Shanghai fixed line, stored
        ("021-57812345", "021****2345"),
        ("(021) 5781 2345", "021****2345"),
        ("010-12345678", "010****5678"),
        ("0571-88881234", "0571****1234"),  # a four-digit area code
        ("57812345", "****2345"),  # no area code: only the end
        ("+14155552671", "****2671"),  # another country
        ("123", "****3"),  # short: never more than half
        ("1", "****"),
        ("abc", "****"),
        ("", ""),
        (None, ""),
        ("   ", ""),
    ],
)
def test_phones(raw: Any, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("王小明", "王**"),
        ("王某", "王*"),  # the example
        ("欧阳小明", "欧***"),
        ("王", "*"),  # one character: nothing kept
        ("John Smith", "J*** *****"),
        ("Alice", "A****"),
        ("  李 四 ", "李 *"),
        ("", ""),
        (None, ""),
    ],
)
def test_names(raw: Any, masked: str) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("上海市松江区中山街道荣乐东路1号", "上海市松江区中山街道****"),
        ("松江区泗泾镇泗陈公路88号3楼", "松江区泗泾镇****"),
        ("上海市松江区测试路1号", "上海市松江区****"),
        ("上海市松江区", "上海市松江区"),  # only a district: nothing that points at a door
        ("No. 1 Rongle Road, Songjiang", "No. 1 ****"),
        ("ab", "a****"),
        ("a", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_addresses(raw: Any, masked: str) -> None:
    assert mask_address(raw) == masked


def test_email_and_other() -> None:
    assert mask_email("zhang.san@example.com") == "z***@example.com"
    assert mask_email("@example.com") == "****@example.com"
    assert mask_email("no-at-sign") == "n*********"
    assert mask_email("") == ""
    assert masking.mask_other("310101199001011234") == "3****"


def test_no_mask_gives_back_its_input() -> None:
    """Whatever is masked no longer contains the middle of the value."""
    for value in ("+8613912345678", "上海市松江区中山街道荣乐东路1号", "王小明", "someone@example.com"):
        for kind in (masking.PHONE, masking.NAME, masking.ADDRESS, masking.EMAIL):
            assert masking.mask(kind, value) != value


def test_payloads_mask_personal_keys_at_any_depth() -> None:
    payload = {
        "proposal": 3,
        "proposed": {"phone": "+8613912340000", "name": "上海某某有限公司", "contact_name": "王小明"},
        "values": [{"address": "上海市松江区中山街道1号"}, {"stage": "intake"}],
        "expert": "李四",
        "contact_phone": None,
        "email": "",
        "Phone": "13912340000",  # keys compare without regard to case
        "note": "王小明 13912340000",  # free text is not parsed: only keys say what is personal
    }
    assert mask_payload(payload) == {
        "proposal": 3,
        "proposed": {"phone": "139****0000", "name": "上海某某有限公司", "contact_name": "王**"},
        "values": [{"address": "上海市松江区中山街道****"}, {"stage": "intake"}],
        "expert": "李*",
        "contact_phone": None,
        "email": "",
        "Phone": "139****0000",
        "note": "王小明 13912340000",
    }
    assert mask_payload(None) is None
    assert mask_payload([{"phone": 13912340000}]) == [{"phone": "139****0000"}]
    assert mask_payload({"phone": ["13912340000", "+862157812345"]}) == {
        "phone": ["139****0000", "021****2345"]
    }
    assert mask_payload({"phone": True}) == {"phone": True}


def test_masks_do_not_change_the_value_they_were_given() -> None:
    payload = {"phone": "13912340000"}
    mask_payload(payload)
    assert payload == {"phone": "13912340000"}
