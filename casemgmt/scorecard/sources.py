"""What the service records prove, per computed item of the scorecard, with the records behind it.

Each source returns `Units`: one unit is what earns one step of the rule (one certificate, one
enterprise for the distinct-enterprise rules, one visit, one service class, …) with the ids of
the records that make it. The drill-down lists them; the count feeds rules_engine.

Definitions the notice leaves open, chosen here:
- A visit (家次) of an SME (indicator 13) is one ServiceRecord, served in the period, of a case
  whose enterprise's size class is medium, small or micro (SME_SIZE_CLASSES). An enterprise
  served three times counts three visits; a large enterprise's visits do not count.
- 12(2) consulting and 12(3) training count one enterprise-visit per recorded outcome.
- Indicator 8 counts the distinct service classes of the ServiceRecords served in the period.
- 10(2) digital archive (一企一档) is satisfied when at least one case of the project has a
  service record in the period and no case closed in the period lacks a service record (a
  closed case without any record means the one-file-per-enterprise archive is incomplete).
- Indicator 14 counts typical cases the district accepted (selected or reported to the city)
  whose quarter starts within the period.
Periods are inclusive; Outcome.obtained_on and the local date of ServiceRecord.served_at decide.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from casemgmt.models import SME_SIZE_CLASSES, CaseStage, Outcome, OutcomeKind, ServiceCase, ServiceRecord

from .models import ACCEPTED_TYPICAL_CASE_STATUSES, TypicalCase


@dataclass(frozen=True)
class Unit:
    key: str  # what the unit is: an id, an enterprise id, a service class
    record_ids: tuple[int, ...]


@dataclass(frozen=True)
class Units:
    model: str  # "outcome", "servicerecord", "servicecase", "typicalcase"
    units: tuple[Unit, ...]
    satisfied: bool | None = None  # checklist sources (10(2)) decide yes/no instead of counting
    blocking_ids: tuple[int, ...] = field(default=())  # records that keep a checklist source unmet

    @property
    def count(self) -> int:
        return len(self.units)

    @property
    def record_ids(self) -> list[int]:
        return sorted({pk for unit in self.units for pk in unit.record_ids})


@dataclass(frozen=True)
class Period:
    project_id: int
    start: datetime.date
    end: datetime.date


def _outcomes(period: Period, kind: str) -> list[tuple[int, int | None]]:
    rows = Outcome.objects.filter(
        project_id=period.project_id, kind=kind, obtained_on__range=(period.start, period.end)
    ).order_by("obtained_on", "pk")
    return list(rows.values_list("pk", "enterprise_id"))


def each_outcome(kind: str) -> Callable[[Period], Units]:
    def source(period: Period) -> Units:
        return Units("outcome", tuple(Unit(str(pk), (pk,)) for pk, _ in _outcomes(period, kind)))

    return source


def outcome_per_enterprise(kind: str) -> Callable[[Period], Units]:
    """One unit per enterprise, holding all its outcomes: 1个服务对象仅记一次得分."""

    def source(period: Period) -> Units:
        by_enterprise: dict[int, list[int]] = {}
        for pk, enterprise_id in _outcomes(period, kind):
            if enterprise_id is not None:
                by_enterprise.setdefault(enterprise_id, []).append(pk)
        return Units("outcome", tuple(Unit(str(e), tuple(ids)) for e, ids in by_enterprise.items()))

    return source


def _records(period: Period) -> QuerySet[ServiceRecord]:
    return ServiceRecord.objects.filter(
        case__project_id=period.project_id, served_at__date__range=(period.start, period.end)
    ).order_by("served_at", "pk")


def service_classes(period: Period) -> Units:
    by_class: dict[str, list[int]] = {}
    for pk, service_class in _records(period).values_list("pk", "service_class"):
        by_class.setdefault(service_class, []).append(pk)
    return Units("servicerecord", tuple(Unit(key, tuple(ids)) for key, ids in sorted(by_class.items())))


def sme_visits(period: Period) -> Units:
    rows = _records(period).filter(case__enterprise__size_class__in=SME_SIZE_CLASSES)
    return Units("servicerecord", tuple(Unit(str(pk), (pk,)) for pk in rows.values_list("pk", flat=True)))


def digital_archive(period: Period) -> Units:
    with_records = list(
        ServiceCase.objects.filter(
            project_id=period.project_id,
            records__served_at__date__range=(period.start, period.end),
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed_without = tuple(
        ServiceCase.objects.filter(
            project_id=period.project_id,
            stage=CaseStage.CLOSED,
            closed_at__date__range=(period.start, period.end),
            records__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    units = tuple(Unit(str(pk), (pk,)) for pk in with_records)
    return Units(
        "servicecase", units, satisfied=bool(with_records) and not closed_without, blocking_ids=closed_without
    )


def typical_cases(kind: str) -> Callable[[Period], Units]:
    def source(period: Period) -> Units:
        rows = TypicalCase.objects.filter(
            project_id=period.project_id,
            kind=kind,
            status__in=ACCEPTED_TYPICAL_CASE_STATUSES,
            quarter_start__range=(period.start, period.end),
        ).order_by("quarter_start", "pk")
        return Units("typicalcase", tuple(Unit(str(pk), (pk,)) for pk in rows.values_list("pk", flat=True)))

    return source


SOURCES: dict[str, Callable[[Period], Units]] = {
    "service_classes": service_classes,  # 8
    "digital_archive": digital_archive,  # 10(2)
    "certificates": each_outcome(OutcomeKind.CERTIFICATE),  # 12(1)
    "consulting": each_outcome(OutcomeKind.CONSULTING),  # 12(2)
    "training": each_outcome(OutcomeKind.TRAINING),  # 12(3)
    "cooperation": each_outcome(OutcomeKind.COOPERATION),  # 12(4)
    "innovation": outcome_per_enterprise(OutcomeKind.INNOVATION),  # 12(5)
    "sme_visits": sme_visits,  # 13
    "typical_cases_a": typical_cases("a"),  # 14 a)
    "typical_cases_b": typical_cases("b"),  # 14 b)
    "typical_cases_c": typical_cases("c"),  # 14 c)
    "titles": outcome_per_enterprise(OutcomeKind.TITLE),  # 16
    "quality_honours": each_outcome(OutcomeKind.QUALITY_HONOUR),  # 17
}


def collect(source: str, project_id: int, start: datetime.date, end: datetime.date) -> Units:
    return SOURCES[source](Period(project_id, start, end))
