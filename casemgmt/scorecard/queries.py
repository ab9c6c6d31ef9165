"""Read side: which evaluations and projects a user may see or start, and one scorecard in full."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from casemgmt.models import ServiceProject
from casemgmt.org.directory import visible_org_units
from core.errors import NotFound

from .models import Evaluation, IndicatorGroup, IndicatorScore, Stage, SubItemScore
from .rules import STAGE_PERMISSIONS


def visible_evaluations(user: Any) -> QuerySet[Evaluation]:
    rows = Evaluation.objects.select_related("project", "project__operator", "template_version", "created_by")
    if not user.has_perm("scorecard.view_evaluation_list"):
        return rows.none()
    scope = visible_org_units(user)
    if scope is None:
        return rows
    # Operators and offices: the projects whose operating organization lies in their area.
    return rows.filter(project__operator__code__in=scope)


def get_evaluation(user: Any, pk: int) -> Evaluation:
    """The evaluation, or NotFound when it does not exist or lies outside the user's area."""
    found = visible_evaluations(user).filter(pk=pk).first()
    if found is None or not user.has_perm("scorecard.view_evaluation", found):
        raise NotFound(f"Evaluation {pk} does not exist.", f"评分表 {pk} 不存在。")
    return found


def stages_for(user: Any, project: ServiceProject) -> list[str]:
    """The stages at which the user may start a scorecard of the project."""
    return [stage for stage, perm in STAGE_PERMISSIONS.items() if user.has_perm(perm, project)]


@dataclass
class ItemRow:
    row: SubItemScore
    earlier: SubItemScore | None  # the same item in the evaluation this one is based on


@dataclass
class IndicatorRow:
    score: IndicatorScore
    items: list[ItemRow]
    earlier: IndicatorScore | None

    @property
    def differs(self) -> bool:
        return self.earlier is not None and self.earlier.points != self.score.points


@dataclass
class GroupRow:
    group: IndicatorGroup
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        total = sum((row.score.points for row in self.indicators), Decimal("0.0"))
        return total if total <= self.group.max_points else self.group.max_points


def sheet(evaluation: Evaluation) -> list[GroupRow]:
    """The scorecard by group, each indicator with its items, evidence and the earlier stage's scores."""
    scores = (
        evaluation.scores.select_related("indicator", "indicator__group")
        .prefetch_related("items__sub_item", "items__evidence", "evidence")
        .order_by("indicator__number")
    )
    earlier: dict[int, IndicatorScore] = {}
    earlier_items: dict[tuple[int, int], SubItemScore] = {}
    if evaluation.based_on_id is not None:
        for old in (
            IndicatorScore.objects.filter(evaluation_id=evaluation.based_on_id)
            .select_related("indicator")
            .prefetch_related("items__sub_item")
        ):
            earlier[old.indicator.number] = old
            for item in old.items.all():
                earlier_items[(old.indicator.number, item.sub_item.position)] = item
    groups: dict[int, GroupRow] = {}
    for score in scores:
        number = score.indicator.number
        group = groups.setdefault(score.indicator.group_id, GroupRow(score.indicator.group))
        group.indicators.append(
            IndicatorRow(
                score,
                [ItemRow(i, earlier_items.get((number, i.sub_item.position))) for i in score.items.all()],
                earlier.get(number),
            )
        )
    return [groups[key] for key in sorted(groups, key=lambda k: groups[k].group.position)]


def period_from(params: Mapping[str, str]) -> tuple[datetime.date, datetime.date]:
    """?from=&to= (YYYY-MM-DD); by default the current calendar year. A bad or reversed
    period falls back to the default rather than failing a read-only view."""
    today = datetime.date.today()
    start = _date(params.get("from")) or datetime.date(today.year, 1, 1)
    end = _date(params.get("to")) or datetime.date(today.year, 12, 31)
    if end < start:
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    return start, end


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


STAGE_ORDER = [Stage.SELF.value, Stage.OFFICE.value, Stage.DISTRICT.value]
