"""The service catalogue of Attachment 2 §4."""

from __future__ import annotations

import dataclasses

import pytest

from casemgmt.registry import catalogue


def test_seven_categories_with_the_notices_item_counts() -> None:
    counts = {category.name_zh: len(category.items) for category in catalogue.CATEGORIES}
    assert counts == {
        "质量提升服务": 7,
        "标准化服务": 6,
        "计量服务": 4,
        "认证认可服务": 3,
        "检验检测服务": 4,
        "知识产权服务": 5,
        "个性化服务": 5,
    }
    assert [category.number for category in catalogue.CATEGORIES] == list(range(1, 8))


def test_items_are_numbered_from_one_and_translated() -> None:
    for category in catalogue.CATEGORIES:
        assert [item.number for item in category.items] == list(range(1, len(category.items) + 1))
        for item in category.items:
            assert item.text_zh and item.text_en and item.category == category.code
    assert len(catalogue.all_items()) == 34


def test_lookup() -> None:
    assert catalogue.item("metrology.1").text_zh == "提供法定计量机构检定能力查询服务；"
    assert catalogue.item("certification.1").text_zh.startswith("提供认证机构资质及其认证范围查询")
    assert catalogue.item("testing.1").text_zh.startswith("提供检验检测机构资质及检验能力查询")
    assert catalogue.category("personalised").name_zh == "个性化服务"
    assert "消费维权" in catalogue.PERSONALISED_SCOPE_ZH
    with pytest.raises(KeyError):
        catalogue.item("metrology.5")
    with pytest.raises(KeyError):
        catalogue.category("nothing")


def test_immutable() -> None:
    item = catalogue.item("quality.1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.text_zh = "x"  # type: ignore[misc]
    assert isinstance(catalogue.CATEGORIES, tuple)
    assert isinstance(catalogue.CATEGORIES[0].items, tuple)
