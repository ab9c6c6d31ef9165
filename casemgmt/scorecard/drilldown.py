"""The drill-down of a computed item: every unit the rule counted, the points it earned, its records."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from casemgmt.models import Outcome, ServiceCase, ServiceRecord

from . import rules_engine
from .models import RuleKind, SubItemScore, TypicalCase

ZERO = rules_engine.ZERO


@dataclass
class RecordRow:
    pk: int
    kind: str  # model name
    date: Any
    title: str
    enterprise: str
    case_no: str


@dataclass
class UnitRow:
    position: int
    key: str
    earned: Decimal  # the points this unit added (0 beyond the cap, or inside an unfinished hundred)
    records: list[RecordRow] = field(default_factory=list)


def _rows(model: str, ids: list[int]) -> dict[int, RecordRow]:
    if model == "outcome":
        outcomes = Outcome.objects.filter(pk__in=ids).select_related("enterprise", "case")
        return {
            o.pk: RecordRow(
                o.pk,
                model,
                o.obtained_on,
                f"{o.get_kind_display()} · {o.title}",
                o.enterprise.name if o.enterprise else "",
                o.case.case_no if o.case else "",
            )
            for o in outcomes
        }
    if model == "servicerecord":
        records = ServiceRecord.objects.filter(pk__in=ids).select_related("case", "case__enterprise")
        return {
            r.pk: RecordRow(
                r.pk,
                model,
                r.served_at,
                f"{r.get_service_class_display()} · {r.get_mode_display()}",
                r.case.enterprise.name,
                r.case.case_no,
            )
            for r in records
        }
    if model == "servicecase":
        cases = ServiceCase.objects.filter(pk__in=ids).select_related("enterprise")
        return {
            c.pk: RecordRow(c.pk, model, c.submitted_at, c.get_stage_display(), c.enterprise.name, c.case_no)
            for c in cases
        }
    if model == "typicalcase":
        typical = TypicalCase.objects.filter(pk__in=ids)
        return {
            t.pk: RecordRow(t.pk, model, t.quarter, f"{t.get_kind_display()} · {t.title}", "", "")
            for t in typical
        }
    return {}


def earned_by_unit(kind: str, rate: Decimal, cap: Decimal | None, count: int) -> list[Decimal]:
    """What each counted unit adds, in order: the rule's total split over the units that earned it."""
    earned: list[Decimal] = []
    before = ZERO
    for n in range(1, count + 1):
        now = rules_engine.rule_points(kind, rate=rate, cap=cap, count=n)
        earned.append(now - before)
        before = now
    return earned


def units(item: SubItemScore) -> tuple[list[UnitRow], list[RecordRow]]:
    """(units with their records and points, blocking records) of a computed item's snapshot."""
    data = item.records or {}
    model = str(data.get("model", ""))
    raw_units = list(data.get("units", []))
    blocking_ids = [int(pk) for pk in data.get("blocking", [])]
    all_ids = [int(pk) for unit in raw_units for pk in unit.get("ids", [])] + blocking_ids
    found = _rows(model, all_ids)
    sub = item.sub_item
    if sub.rule_kind == RuleKind.CHECKLIST:
        earned = [ZERO] * len(raw_units)
    else:
        earned = earned_by_unit(sub.rule_kind, sub.points, sub.cap, len(raw_units))
    rows = []
    for position, (unit, points) in enumerate(zip(raw_units, earned, strict=False), start=1):
        records = [found[int(pk)] for pk in unit.get("ids", []) if int(pk) in found]
        rows.append(UnitRow(position, str(unit.get("key", "")), points, records))
    return rows, [found[pk] for pk in blocking_ids if pk in found]
