"""The seeded template reproduces Attachment 3; it is idempotent and frozen once used."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from casemgmt.models import ServiceProject
from casemgmt.scorecard.models import Indicator, IndicatorGroup, SubItem, TemplateFrozen, TemplateVersion
from casemgmt.scorecard.seed import load_template
from casemgmt.scorecard.services import create_evaluation
from tests.personas import Cast

D = Decimal


def test_four_groups_eighteen_indicators_with_the_notices_maxima(template: TemplateVersion) -> None:
    groups = list(IndicatorGroup.objects.filter(template=template).order_by("position"))
    assert [(g.name_zh, g.max_points, g.is_bonus) for g in groups] == [
        ("运营情况", D("20"), False),
        ("服务能力", D("30"), False),
        ("服务成效", D("50"), False),
        ("加分项", D("10"), True),
    ]
    indicators = list(Indicator.objects.filter(template=template).order_by("number"))
    assert [i.number for i in indicators] == list(range(1, 19))
    maxima = {i.number: i.max_points for i in indicators}
    assert maxima == {
        1: 4,
        2: 2,
        3: 2,
        4: 6,
        5: 2,
        6: 4,
        7: 8,
        8: 8,
        9: 4,
        10: 4,
        11: 6,
        12: 30,
        13: 5,
        14: 10,
        15: 5,
        16: 4,
        17: 5,
        18: 1,
    }
    for group in groups:
        assert sum(i.max_points for i in indicators if i.group_id == group.pk) == group.max_points
    names = [i.name_zh for i in indicators]
    assert names == [
        "制度建设",
        "经费保障",
        "技术保障",
        "人员保障",
        "场地保障",
        "宣传展示",
        "合理布局",
        "集成化",
        "便利化",
        "数字化",
        "持续改进",
        "服务数量",
        "中小微企业",
        "典型案例",
        "项目效益",
        "荣誉称号",
        "质量提升",
        "一网通办",
    ]


def test_checklist_items_sum_to_their_indicator(template: TemplateVersion) -> None:
    for indicator in Indicator.objects.filter(template=template, rule_kind="checklist"):
        items = list(indicator.sub_items.all())
        assert sum(item.points for item in items) == indicator.max_points, indicator.number


def test_service_volume_sub_items(template: TemplateVersion) -> None:
    items = SubItem.objects.filter(indicator__template=template, indicator__number=12).order_by("position")
    assert [(i.rule_kind, i.points, i.cap, i.source) for i in items] == [
        ("count_rate", D("0.5"), D("10"), "certificates"),
        ("count_rate", D("0.5"), D("5"), "consulting"),
        ("per_hundred", D("1"), D("5"), "training"),
        ("count_rate", D("1"), D("5"), "cooperation"),
        ("distinct_rate", D("0.5"), D("5"), "innovation"),
    ]
    assert "每100家次得1分" in items[2].text_zh
    assert "1个服务对象仅记一次得分" in items[4].text_zh


def test_computed_sources_and_judgments(template: TemplateVersion) -> None:
    computed = {
        f"{s.indicator.number}{s.code}": s.source
        for s in SubItem.objects.filter(indicator__template=template).exclude(source="")
    }
    assert computed == {
        "8": "service_classes",
        "10（2）": "digital_archive",
        "12（1）": "certificates",
        "12（2）": "consulting",
        "12（3）": "training",
        "12（4）": "cooperation",
        "12（5）": "innovation",
        "13": "sme_visits",
        "14a)": "typical_cases_a",
        "14b)": "typical_cases_b",
        "14c)": "typical_cases_c",
        "16": "titles",
        "17": "quality_honours",
    }
    judgments = Indicator.objects.filter(template=template, rule_kind="judgment")
    assert sorted(i.number for i in judgments) == [7, 15]


def test_loading_twice_changes_nothing(template: TemplateVersion) -> None:
    version, changed = load_template()
    assert version.pk == template.pk and not changed
    assert TemplateVersion.objects.count() == 1


def test_an_edited_unused_template_is_restored(template: TemplateVersion) -> None:
    Indicator.objects.filter(template=template, number=7).update(max_points=D("9"))
    _, changed = load_template()
    assert changed
    assert Indicator.objects.get(template=template, number=7).max_points == D("8")


def test_a_used_template_is_frozen(project_a: ServiceProject, cast: Cast) -> None:
    evaluation = create_evaluation(
        project_a, datetime.date(2026, 1, 1), datetime.date(2026, 6, 30), stage="self", actor=cast.operator_a
    )
    indicator = Indicator.objects.get(template=evaluation.template_version, number=7)
    indicator.max_points = D("9")
    with pytest.raises(TemplateFrozen):
        indicator.save()
    Indicator.objects.filter(pk=indicator.pk).update(max_points=D("9"))  # behind the model's back
    _, changed = load_template()
    assert not changed  # the seed never rewrites a used version
