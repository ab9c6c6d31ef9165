"""The scoring rules against hand-computed values: caps, the per-100 floor, exact decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casemgmt.scorecard import rules_engine as engine

D = Decimal


def test_point_one_times_47_is_exactly_4_7() -> None:
    points = engine.count_rate(47, D("0.1"), D("5"))
    assert points == D("4.7")
    assert str(points) == "4.7"
    # Adding visit by visit, as a float running total drifts; the decimal one does not.
    assert sum([0.1] * 47) != 4.7
    assert sum([D("0.1")] * 47, D("0")) == D("4.7")


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0.0"), (1, "0.5"), (19, "9.5"), (20, "10.0"), (21, "10.0"), (400, "10.0")],
)
def test_certificates_cap_at_exactly_the_cap_and_one_over(count: int, expected: str) -> None:
    assert engine.count_rate(count, D("0.5"), D("10")) == D(expected)


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        (0, "0.0"),
        (99, "0.0"),
        (100, "1.0"),
        (199, "1.0"),
        (200, "2.0"),
        (499, "4.0"),
        (500, "5.0"),
        (600, "5.0"),
    ],
)
def test_training_per_full_hundred_is_floored_and_capped(visits: int, expected: str) -> None:
    assert engine.per_hundred(visits, D("1"), D("5")) == D(expected)


def test_sme_visits_cap() -> None:
    assert engine.count_rate(50, D("0.1"), D("5")) == D("5.0")
    assert engine.count_rate(51, D("0.1"), D("5")) == D("5.0")
    assert engine.count_rate(49, D("0.1"), D("5")) == D("4.9")


def test_distinct_rate_counts_what_it_is_given() -> None:
    assert engine.distinct_rate(8, D("0.5"), D("4")) == D("4.0")
    assert engine.distinct_rate(9, D("0.5"), D("4")) == D("4.0")
    assert engine.distinct_rate(7, D("0.5"), D("4")) == D("3.5")


def test_checklist_and_judgment() -> None:
    assert engine.checklist(D("2"), True) == D("2.0")
    assert engine.checklist(D("2"), False) == D("0.0")
    assert engine.checklist(D("2"), None) == D("0.0")
    assert engine.judgment(D("7.5"), D("8")) == D("7.5")
    assert engine.judgment(D("8"), D("8")) == D("8.0")
    with pytest.raises(engine.RuleError):
        engine.judgment(D("8.1"), D("8"))
    with pytest.raises(engine.RuleError):
        engine.judgment(D("-0.1"), D("8"))
    with pytest.raises(engine.RuleError):
        engine.judgment(D("7.55"), D("8"))


def test_counts_must_be_non_negative_integers() -> None:
    with pytest.raises(engine.RuleError):
        engine.count_rate(-1, D("1"), D("5"))
    with pytest.raises(engine.RuleError):
        engine.per_hundred(True, D("1"), D("5"))


def test_indicator_never_exceeds_its_maximum() -> None:
    # 12: 10 + 5 + 5 + 5 + 5 = 30, the maximum; 14: six cases of 2 points → 10.
    assert engine.indicator_points([D("10"), D("5"), D("5"), D("5"), D("5")], D("30")) == D("30.0")
    assert engine.indicator_points([D("2")] * 6, D("10")) == D("10.0")


def test_totals_cap_the_bonus_at_ten_and_the_base_at_one_hundred() -> None:
    result = engine.totals(
        [
            (1, D("20"), False, [D("4"), D("2"), D("2"), D("6"), D("2"), D("4")]),
            (2, D("30"), False, [D("8"), D("8"), D("4"), D("4"), D("6")]),
            (3, D("50"), False, [D("30"), D("5"), D("10"), D("5")]),
            (4, D("10"), True, [D("4"), D("5"), D("1"), D("3")]),  # 13 points offered, 10 allowed
        ]
    )
    assert (result.base, result.bonus, result.total) == (D("100.0"), D("10.0"), D("110.0"))
    assert [g.points for g in result.groups] == [D("20.0"), D("30.0"), D("50.0"), D("10.0")]


def test_units_to_cap() -> None:
    assert engine.units_to_next_point("count_rate", rate=D("0.5"), cap=D("10"), count=12) == (8, D("4.0"))
    assert engine.units_to_next_point("count_rate", rate=D("0.5"), cap=D("10"), count=20) == (0, D("0"))
    assert engine.units_to_next_point("per_hundred", rate=D("1"), cap=D("5"), count=250) == (250, D("3.0"))
    assert engine.units_to_next_point("count_rate", rate=D("0.1"), cap=D("5"), count=47) == (3, D("0.3"))
