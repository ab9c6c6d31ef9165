"""The scoring rules of Attachment 3 as pure functions, in exact decimals.

Every rate of the notice has one decimal place (0.1, 0.5, 1, 2) and counts are integers, so
products and sums stay exact in Decimal: 0.1 × 47 is 4.7, not 4.700000000000001. Nothing here
rounds; `as_points` only normalises the exponent (4.70 → 4.7), which is exact for these values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.0")
TENTH = Decimal("0.1")
HUNDRED = 100


class RuleError(ValueError):
    """A value a rule cannot take (a negative count, points above the maximum, …)."""


def as_points(value: Decimal) -> Decimal:
    """The value with exactly one decimal place; refuses a value that would need rounding."""
    exact = value.quantize(TENTH)
    if exact != value:
        raise RuleError(f"{value} is not a multiple of 0.1")
    return exact


def capped(value: Decimal, cap: Decimal | None) -> Decimal:
    return value if cap is None or value <= cap else cap


def _count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise RuleError(f"a count must be a non-negative integer, not {count!r}")
    return count


def checklist(points_per_item: Decimal, satisfied: bool | None) -> Decimal:
    """(每符合以下一项，得 n 分): the item's points when satisfied, else none."""
    return as_points(points_per_item) if satisfied else ZERO


def count_rate(count: int, rate: Decimal, cap: Decimal | None) -> Decimal:
    """每一份/每家次得 rate 分，最高不超过 cap."""
    return as_points(capped(_count(count) * rate, cap))


def distinct_rate(distinct_enterprises: int, rate: Decimal, cap: Decimal | None) -> Decimal:
    """1个服务对象仅记一次得分: the caller counts each enterprise once (see sources.py)."""
    return count_rate(distinct_enterprises, rate, cap)


def per_hundred(count: int, rate: Decimal, cap: Decimal | None) -> Decimal:
    """每100家次得1分: only full hundreds count (199 visits earn 1 point, not 1.99)."""
    return as_points(capped((_count(count) // HUNDRED) * rate, cap))


def judgment(points: Decimal, maximum: Decimal) -> Decimal:
    """The evaluator's judgment: 0..maximum in steps of 0.1."""
    if points < ZERO or points > maximum:
        raise RuleError(f"{points} is outside 0–{maximum}")
    return as_points(points)


def rule_points(kind: str, *, rate: Decimal, cap: Decimal | None, count: int) -> Decimal:
    """The points of a computed item from its count (a record-backed rule)."""
    if kind == "count_rate":
        return count_rate(count, rate, cap)
    if kind == "distinct_rate":
        return distinct_rate(count, rate, cap)
    if kind == "per_hundred":
        return per_hundred(count, rate, cap)
    raise RuleError(f"{kind} is not a counting rule")


def indicator_points(item_points: Iterable[Decimal], maximum: Decimal) -> Decimal:
    """An indicator never earns more than its maximum, however many items it satisfies."""
    return as_points(capped(sum(item_points, ZERO), maximum))


@dataclass(frozen=True)
class GroupTotal:
    position: int
    max_points: Decimal
    is_bonus: bool
    points: Decimal


@dataclass(frozen=True)
class Totals:
    base: Decimal  # groups 1–3, at most 100
    bonus: Decimal  # 加分项, at most 10
    total: Decimal  # base + bonus, at most 110
    groups: tuple[GroupTotal, ...]


def totals(groups: Iterable[tuple[int, Decimal, bool, Iterable[Decimal]]]) -> Totals:
    """(position, group maximum, is bonus, indicator points) per group → subtotals and totals."""
    rows = tuple(
        GroupTotal(position, maximum, is_bonus, as_points(capped(sum(points, ZERO), maximum)))
        for position, maximum, is_bonus, points in groups
    )
    base = sum((row.points for row in rows if not row.is_bonus), ZERO)
    bonus = sum((row.points for row in rows if row.is_bonus), ZERO)
    return Totals(as_points(base), as_points(bonus), as_points(base + bonus), rows)


def units_to_next_point(kind: str, *, rate: Decimal, cap: Decimal | None, count: int) -> tuple[int, Decimal]:
    """(more units needed, points they add) to reach the item's cap; (0, 0) at the cap.

    For per_hundred only full hundreds count, so the units needed run to the next multiple of
    100 that reaches the cap.
    """
    now = rule_points(kind, rate=rate, cap=cap, count=count)
    if cap is None or now >= cap or rate <= ZERO:
        return (0, ZERO)
    missing = cap - now
    steps = -(-missing // rate)  # ceil: the last step may exceed the cap, which then bounds it
    if kind == "per_hundred":
        target = (count // HUNDRED + int(steps)) * HUNDRED
        return (target - count, as_points(capped(missing, cap)))
    return (int(steps), as_points(missing))
