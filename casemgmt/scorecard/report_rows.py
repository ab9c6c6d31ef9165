"""The filled scorecard as plain rows, shared by the PDF and the XLSX report."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Evaluation, RuleKind
from .queries import sheet


@dataclass(frozen=True)
class Row:
    level: str  # "group", "indicator", "item", "total"
    number: str
    text: str
    max_points: Decimal | None
    detail: str
    points: Decimal | None
    earlier: Decimal | None = None
    reason: str = ""


def _name(zh: str, en: str, english: bool) -> str:
    return en if english else zh


def rows(evaluation: Evaluation, *, english: bool) -> list[Row]:
    out: list[Row] = []
    for group in sheet(evaluation):
        g = group.group
        out.append(
            Row(
                "group",
                str(g.position),
                _name(g.name_zh, g.name_en, english),
                g.max_points,
                "",
                group.subtotal,
            )
        )
        for ind in group.indicators:
            indicator = ind.score.indicator
            out.append(
                Row(
                    "indicator",
                    str(indicator.number),
                    _name(indicator.name_zh, indicator.name_en, english),
                    indicator.max_points,
                    _("computed %(points)s") % {"points": ind.score.computed}
                    if ind.score.computed is not None
                    else "",
                    ind.score.points,
                    ind.earlier.points if ind.earlier is not None else None,
                    ind.score.reason,
                )
            )
            for item in ind.items:
                row = item.row
                sub = row.sub_item
                if sub.rule_kind == RuleKind.CHECKLIST:
                    detail = _("satisfied") if row.satisfied else _("not satisfied")
                    files = len(row.evidence.all())
                    if files:
                        detail += " · " + _("%(n)s evidence") % {"n": files}
                else:
                    # A number and the unit in the report's language ("7 份", "7 certificates").
                    detail = f"{row.count or 0} {sub.unit_en if english else sub.unit_zh}"
                if row.adjusted:
                    detail += " · " + _("adjusted from %(points)s") % {"points": row.computed}
                out.append(
                    Row(
                        "item",
                        f"{indicator.number}{sub.code}",
                        _name(sub.text_zh, sub.text_en, english),
                        sub.cap
                        if sub.cap is not None
                        else (sub.points if sub.rule_kind == RuleKind.CHECKLIST else None),
                        detail,
                        row.points,
                        item.earlier.points if item.earlier is not None else None,
                        row.reason,
                    )
                )
    out.append(Row("total", "", _("Base score"), Decimal("100"), "", evaluation.base))
    out.append(Row("total", "", _("Bonus points"), Decimal("10"), "", evaluation.bonus))
    out.append(Row("total", "", _("Total score"), Decimal("110"), "", evaluation.total))
    return out
