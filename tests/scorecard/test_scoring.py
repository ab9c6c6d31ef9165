"""Hand-computed scorecards: each computed indicator from the records, caps, distinct counting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casemgmt.models import OutcomeKind, ServiceProject
from casemgmt.scorecard.models import Evaluation, SubItemScore, TypicalCase
from casemgmt.scorecard.services import create_evaluation, recompute
from tests.factories import make_case, make_enterprise, make_record
from tests.personas import Cast

from .helpers import BEFORE, END, START, judge, outcomes, served, tick_all_checklists, visits

D = Decimal


def evaluate(project: ServiceProject, cast: Cast) -> Evaluation:
    return create_evaluation(project, START, END, stage="self", actor=cast.operator_a)


def item(evaluation: Evaluation, number: int, position: int = 1) -> SubItemScore:
    return SubItemScore.objects.get(
        score__evaluation=evaluation, score__indicator__number=number, sub_item__position=position
    )


def points(evaluation: Evaluation, number: int) -> Decimal:
    return evaluation.scores.get(indicator__number=number).points


@pytest.mark.django_db
def test_an_empty_project_scores_nothing(project_a: ServiceProject, cast: Cast) -> None:
    evaluation = evaluate(project_a, cast)
    assert (evaluation.base, evaluation.bonus, evaluation.total) == (D("0"), D("0"), D("0"))
    assert evaluation.scores.count() == 18
    assert evaluation.template_version.number == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("count", "expected"), [(20, "10.0"), (21, "10.0"), (19, "9.5")])
def test_certificates_12_1(project_a: ServiceProject, cast: Cast, count: int, expected: str) -> None:
    made = outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", count)
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 3, day=BEFORE)  # outside the period
    evaluation = evaluate(project_a, cast)
    row = item(evaluation, 12, 1)
    assert row.points == D(expected) and row.count == count
    assert sorted(u["ids"][0] for u in row.records["units"]) == sorted(o.pk for o in made)
    assert points(evaluation, 12) == D(expected)


@pytest.mark.django_db
def test_innovation_12_5_counts_each_enterprise_once(project_a: ServiceProject, cast: Cast) -> None:
    busy = make_enterprise()
    three = outcomes(project_a, OutcomeKind.INNOVATION, "standardization", 3, enterprise=busy)
    others = outcomes(project_a, OutcomeKind.INNOVATION, "intellectual_property", 2)
    evaluation = evaluate(project_a, cast)
    row = item(evaluation, 12, 5)
    assert row.count == 3  # busy + two others: 5 results, 3 enterprises
    assert row.points == D("1.5")
    units = {u["key"]: sorted(u["ids"]) for u in row.records["units"]}
    assert units[str(busy.pk)] == sorted(o.pk for o in three)
    assert {str(o.enterprise_id) for o in others} <= set(units)


@pytest.mark.django_db
@pytest.mark.parametrize(("enterprises", "expected"), [(8, "4.0"), (9, "4.0"), (7, "3.5")])
def test_titles_16_distinct_and_capped(
    project_a: ServiceProject, cast: Cast, enterprises: int, expected: str
) -> None:
    twice = make_enterprise()
    outcomes(project_a, OutcomeKind.TITLE, "high_tech", 2, enterprise=twice)  # counts once
    outcomes(project_a, OutcomeKind.TITLE, "little_giant", enterprises - 1)
    evaluation = evaluate(project_a, cast)
    assert item(evaluation, 16).count == enterprises
    assert points(evaluation, 16) == D(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("attendances", "expected"), [(99, "0.0"), (100, "1.0"), (199, "1.0"), (200, "2.0"), (600, "5.0")]
)
def test_training_12_3_per_full_hundred(
    project_a: ServiceProject, cast: Cast, attendances: int, expected: str
) -> None:
    case = make_case(project=project_a)
    from casemgmt.models import Outcome

    Outcome.objects.bulk_create(
        Outcome(
            kind="training",
            subtype="training",
            project=project_a,
            enterprise=case.enterprise,
            case=case,
            obtained_on=START,
            title=f"培训{n}",
        )
        for n in range(attendances)
    )
    evaluation = evaluate(project_a, cast)
    assert item(evaluation, 12, 3).points == D(expected)


@pytest.mark.django_db
def test_sme_visits_13_point_one_each_exactly(project_a: ServiceProject, cast: Cast) -> None:
    sme = visits(project_a, 47, size_class="micro")
    visits(project_a, 5, size_class="large")  # large enterprises are not SMEs
    visits(project_a, 2, size_class="small", day=BEFORE)
    evaluation = evaluate(project_a, cast)
    row = item(evaluation, 13)
    assert row.count == 47
    assert row.points == D("4.7") and str(row.points) == "4.7"
    assert sorted(u["ids"][0] for u in row.records["units"]) == sorted(r.pk for r in sme)


@pytest.mark.django_db
def test_integration_8_counts_service_classes(project_a: ServiceProject, cast: Cast) -> None:
    classes = [
        "metrology",
        "standards",
        "testing",
        "certification",
        "brand",
        "ip",
        "supply_chain",
        "policy",
        "quality_management",
    ]
    for name in classes[:5]:
        visits(project_a, 2, service_class=name)
    evaluation = evaluate(project_a, cast)
    assert points(evaluation, 8) == D("5.0")
    for name in classes[5:]:
        visits(project_a, 1, service_class=name)
    recompute(evaluation, actor=cast.operator_a)
    assert points(evaluation, 8) == D("8.0")  # nine classes, capped at 8
    assert len(item(evaluation, 8).records["units"]) == 9


@pytest.mark.django_db
def test_digital_archive_10_2(project_a: ServiceProject, cast: Cast) -> None:
    evaluation = evaluate(project_a, cast)
    assert item(evaluation, 10, 2).satisfied is False  # nothing archived yet
    visits(project_a, 1)
    closed = make_case(project=project_a, stage="closed", closed_at=served(START))
    recompute(evaluation, actor=cast.operator_a)
    row = item(evaluation, 10, 2)
    assert row.satisfied is False and row.records["blocking"] == [closed.pk]
    make_record(case=closed, served_at=served(START))
    recompute(evaluation, actor=cast.operator_a)
    row = item(evaluation, 10, 2)
    assert row.satisfied is True and row.points == D("2.0")


@pytest.mark.django_db
def test_typical_cases_14(project_a: ServiceProject, cast: Cast) -> None:
    from casemgmt.models import OrgUnit

    office = OrgUnit.objects.get(code="office-fangsong")
    for n, (kind, status, quarter) in enumerate(
        [
            ("a", "selected", "2026Q1"),
            ("b", "reported_to_city", "2026Q2"),
            ("c", "selected", "2026Q4"),
            ("a", "submitted", "2026Q3"),
            ("a", "rejected", "2026Q3"),
            ("b", "selected", "2025Q4"),
        ]
    ):
        TypicalCase.objects.create(
            office=office,
            project=project_a,
            quarter=quarter,
            kind=kind,
            title=f"案例{n}",
            description="…",
            status=status,
        )
    evaluation = evaluate(project_a, cast)
    assert points(evaluation, 14) == D("6.0")  # three accepted cases in 2026
    assert [item(evaluation, 14, p).count for p in (1, 2, 3)] == [1, 1, 1]


@pytest.mark.django_db
def test_a_full_scorecard_is_110(project_a: ServiceProject, cast: Cast) -> None:
    for name in [
        "metrology",
        "standards",
        "testing",
        "certification",
        "brand",
        "ip",
        "supply_chain",
        "policy",
    ]:
        visits(project_a, 7, service_class=name)  # 8 classes, 56 SME visits
    outcomes(project_a, OutcomeKind.CERTIFICATE, "test_report", 20)
    outcomes(project_a, OutcomeKind.CONSULTING, "brand", 10)
    case = make_case(project=project_a)
    from casemgmt.models import OrgUnit, Outcome

    Outcome.objects.bulk_create(
        Outcome(
            kind="training",
            subtype="training",
            project=project_a,
            enterprise=case.enterprise,
            case=case,
            obtained_on=START,
            title=f"培训{n}",
        )
        for n in range(500)
    )
    outcomes(project_a, OutcomeKind.COOPERATION, "instrument_sharing", 5)
    outcomes(project_a, OutcomeKind.INNOVATION, "standardization", 10)
    outcomes(project_a, OutcomeKind.TITLE, "high_tech", 8)
    outcomes(project_a, OutcomeKind.QUALITY_HONOUR, "shanghai_brand", 5)
    office = OrgUnit.objects.get(code="office-fangsong")
    for n in range(5):
        TypicalCase.objects.create(
            office=office,
            project=project_a,
            quarter="2026Q2",
            kind="abcab"[n],
            title=f"案例{n}",
            description="…",
            status="selected",
        )
    evaluation = evaluate(project_a, cast)
    tick_all_checklists(evaluation, cast.operator_a)
    judge(evaluation, cast.operator_a)
    evaluation.refresh_from_db()
    by_number = {s.indicator.number: s.points for s in evaluation.scores.select_related("indicator")}
    assert by_number == {
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
    assert (evaluation.base, evaluation.bonus, evaluation.total) == (D("100.0"), D("10.0"), D("110.0"))
