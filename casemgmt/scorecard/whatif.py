"""What-if: the points a project still misses to pass 70 or 80, and which records would earn them.

The thresholds of §五 are strict ("高于70分"): 70.0 does not pass. Scores are multiples of 0.1,
so passing means reaching threshold + 0.1. For every computed item below its cap the view says
how many more records of which kind earn how many points; manual items (checklist items not
yet satisfied, judgment headroom) are listed beside them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from casemgmt.models import ServiceClass, ServiceProject

from . import rules_engine
from .models import Evaluation, Indicator, RuleKind, SubItem
from .services import COUNTING_RULES, template_for
from .sources import collect

THRESHOLDS = (Decimal("70"), Decimal("80"))
STEP = Decimal("0.1")
ZERO = rules_engine.ZERO


@dataclass(frozen=True)
class Target:
    threshold: Decimal
    passes: bool
    missing: Decimal  # points still needed to pass (0 when it passes)


@dataclass(frozen=True)
class Option:
    """One way to earn more points."""

    indicator: int
    label: str  # "12（1）"
    name_zh: str
    name_en: str
    kind: str  # "records", "checklist", "judgment"
    more_units: int  # records still needed (0 for manual options)
    unit_zh: str
    unit_en: str
    gain: Decimal  # points those records (or that item) add, within the caps
    next_units: int = 0  # records needed for the next step of points
    next_gain: Decimal = ZERO
    hint_zh: str = ""
    hint_en: str = ""
    record_ids: tuple[int, ...] = field(default=())  # records that would count if fixed (10(2))


@dataclass(frozen=True)
class WhatIf:
    base: Decimal
    bonus: Decimal
    total: Decimal
    targets: tuple[Target, ...]
    options: tuple[Option, ...]

    @property
    def record_gain(self) -> Decimal:
        return sum((o.gain for o in self.options if o.kind == "records"), ZERO)


@dataclass
class _Item:
    sub: SubItem
    count: int | None
    points: Decimal
    satisfied: bool | None
    keys: list[str]
    blocking: list[int]


def targets(total: Decimal) -> tuple[Target, ...]:
    result = []
    for threshold in THRESHOLDS:
        needed = threshold + STEP - total
        result.append(Target(threshold, total > threshold, needed if needed > ZERO else ZERO))
    return tuple(result)


def for_evaluation(evaluation: Evaluation) -> WhatIf:
    scores = evaluation.scores.select_related("indicator").prefetch_related("items__sub_item")
    indicator_points: dict[int, Decimal] = {}
    judgments: list[tuple[Indicator, Decimal]] = []
    items: list[_Item] = []
    for score in scores:
        indicator_points[score.indicator.number] = score.points
        if score.indicator.is_judgment:
            judgments.append((score.indicator, score.points))
        for row in score.items.all():
            records = row.records or {}
            items.append(
                _Item(
                    row.sub_item,
                    row.count,
                    row.points,
                    row.satisfied,
                    [str(unit.get("key")) for unit in records.get("units", [])],
                    list(records.get("blocking", [])),
                )
            )
    return _build(evaluation.base, evaluation.bonus, evaluation.total, indicator_points, judgments, items)


def for_period(project: ServiceProject, start: datetime.date, end: datetime.date) -> WhatIf:
    """What the records alone prove for a period (manual items counted as not yet satisfied)."""
    template = template_for(end)
    indicators = (
        Indicator.objects.filter(template=template).select_related("group").prefetch_related("sub_items")
    )
    items: list[_Item] = []
    indicator_points: dict[int, Decimal] = {}
    judgments: list[tuple[Indicator, Decimal]] = []
    groups: dict[int, tuple[int, Decimal, bool, list[Decimal]]] = {}
    for indicator in indicators:
        if indicator.is_judgment:
            judgments.append((indicator, ZERO))
        earned: list[Decimal] = []
        for sub in indicator.sub_items.all():
            if not sub.is_computed:
                items.append(_Item(sub, None, ZERO, False, [], []))
                continue
            units = collect(sub.source, project.pk, start, end)
            if sub.rule_kind == RuleKind.CHECKLIST:
                points = rules_engine.checklist(sub.points, units.satisfied)
            else:
                points = rules_engine.rule_points(
                    sub.rule_kind, rate=sub.points, cap=sub.cap, count=units.count
                )
            earned.append(points)
            items.append(
                _Item(
                    sub,
                    units.count,
                    points,
                    units.satisfied,
                    [u.key for u in units.units],
                    list(units.blocking_ids),
                )
            )
        indicator_points[indicator.number] = rules_engine.indicator_points(earned, indicator.max_points)
        group = indicator.group
        groups.setdefault(group.pk, (group.position, group.max_points, group.is_bonus, []))[3].append(
            indicator_points[indicator.number]
        )
    result = rules_engine.totals(sorted(groups.values()))
    return _build(result.base, result.bonus, result.total, indicator_points, judgments, items)


def _build(
    base: Decimal,
    bonus: Decimal,
    total: Decimal,
    indicator_points: dict[int, Decimal],
    judgments: list[tuple[Indicator, Decimal]],
    items: list[_Item],
) -> WhatIf:
    options: list[Option] = []
    for item in items:
        sub = item.sub
        indicator = sub.indicator
        headroom = indicator.max_points - indicator_points.get(indicator.number, ZERO)
        if headroom <= ZERO:
            continue
        option = _option(item, headroom)
        if option is not None:
            options.append(option)
    for indicator, points in judgments:
        room = indicator.max_points - points
        if room > ZERO:
            options.append(
                Option(
                    indicator.number,
                    str(indicator.number),
                    indicator.name_zh,
                    indicator.name_en,
                    "judgment",
                    0,
                    "",
                    "",
                    room,
                )
            )
    options.sort(key=lambda o: (o.kind != "records", -o.gain, o.indicator, o.label))
    return WhatIf(base, bonus, total, targets(total), tuple(options))


def _option(item: _Item, headroom: Decimal) -> Option | None:
    sub = item.sub
    indicator = sub.indicator
    names = (indicator.number, sub.label, indicator.name_zh, indicator.name_en)
    if sub.rule_kind == RuleKind.CHECKLIST:
        if item.satisfied:
            return None
        gain = min(rules_engine.as_points(sub.points), headroom)
        if sub.is_computed:  # 10(2): the archive is complete once these cases have records
            return Option(
                *names,
                "records",
                len(item.blocking) or 1,
                "个办件",
                "cases",
                gain,
                hint_zh="为所列已办结但无服务记录的办件补录服务记录"
                if item.blocking
                else "录入本期的服务记录",
                hint_en="Record the services of the closed cases listed"
                if item.blocking
                else "Record services in the period",
                record_ids=tuple(item.blocking),
            )
        return Option(*names, "checklist", 0, "", "", gain, hint_zh=sub.text_zh, hint_en=sub.text_en)
    if sub.rule_kind not in COUNTING_RULES or item.count is None:
        return None
    cap = sub.cap if sub.cap is not None else indicator.max_points
    cap = min(cap, item.points + headroom)
    more, gain = rules_engine.units_to_next_point(sub.rule_kind, rate=sub.points, cap=cap, count=item.count)
    if more == 0:
        return None
    next_units, next_gain = _next_step(sub, item.count, cap)
    hint_zh, hint_en = _hint(sub, item)
    return Option(
        *names, "records", more, sub.unit_zh, sub.unit_en, gain, next_units, next_gain, hint_zh, hint_en
    )


def _next_step(sub: SubItem, count: int, cap: Decimal) -> tuple[int, Decimal]:
    if sub.rule_kind == RuleKind.PER_HUNDRED:
        units = rules_engine.HUNDRED - count % rules_engine.HUNDRED
    else:
        units = 1
    now = rules_engine.rule_points(sub.rule_kind, rate=sub.points, cap=cap, count=count)
    later = rules_engine.rule_points(sub.rule_kind, rate=sub.points, cap=cap, count=count + units)
    return units, later - now


def _hint(sub: SubItem, item: _Item) -> tuple[str, str]:
    if sub.source == "service_classes":
        missing = [choice for choice in ServiceClass if choice.value not in item.keys]
        zh = "、".join(_zh(choice.label) for choice in missing)
        en = ", ".join(str(choice.label) for choice in missing)
        return f"尚未提供的服务类别：{zh}", f"Service classes not yet provided: {en}"
    if sub.rule_kind == RuleKind.DISTINCT_RATE:
        return "须为尚未计分的其他企业", "Each from an enterprise not yet counted"
    if sub.rule_kind == RuleKind.PER_HUNDRED:
        return "仅满100家次计1分", "Only full hundreds count"
    if sub.cap is None:  # 14 a)–c): the kinds share the indicator's cap
        maximum = sub.indicator.max_points
        return (
            f"与本指标其他要点合计不超过{maximum}分",
            f"Together with the indicator's other items at most {maximum}",
        )
    return "", ""


def _zh(text: object) -> str:
    from core.errors import in_chinese

    return in_chinese(text)
