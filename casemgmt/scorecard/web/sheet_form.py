"""The scorecard as one self-saving form: the parts it saves one at a time (a judgment indicator
or a sub-item), what the server last said about each, and the summary that stays in view.

An htmx save is answered with the part re-rendered (its saved state, or the refusal next to the
field with the stored values unchanged) and, out of band, the indicator's points, its group's
subtotal and the summary; a plain form post keeps its redirect (sheet.py). Both follow the same
one service call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from core.errors import FieldError, ServiceError
from core.http.page_errors import field_message, page_errors, raise_for_refusal

from .. import submission
from ..models import Evaluation, IndicatorGroup, RuleKind
from ..queries import GroupRow, IndicatorRow, ItemRow, sheet

# What a refused save sends back into its inputs, so the user corrects what they typed.
ECHOED = ("points", "reason", "satisfied", "evidence_url", "evidence_note")


@dataclass
class Part:
    """One self-saving part of the form; position 0 is a judgment indicator (7, 15)."""

    number: int
    position: int = 0
    notes: list[str] = field(default_factory=list)  # what still keeps it from submission
    errors: dict[str, list[str]] = field(default_factory=dict)  # input name → reasons
    message: str = ""  # the refusal's general message
    values: dict[str, str] = field(default_factory=dict)  # what the user typed, sent back
    saved: bool = False
    inputs: tuple[str, ...] = ()  # the inputs it shows, by their field names

    @property
    def other_errors(self) -> list[str]:
        """Reasons for fields without an input of their own here (shown with the part)."""
        return [r for name, found in self.errors.items() if name not in self.inputs for r in found]

    @property
    def key(self) -> str:
        """The part in test ids: "1-1" for item 1(1), "7" for judgment 7."""
        return f"{self.number}-{self.position}" if self.position else str(self.number)

    @property
    def dom_id(self) -> str:
        return f"item-{self.number}-{self.position}" if self.position else f"judgment-{self.number}"

    @property
    def refused(self) -> bool:
        return bool(self.message or self.errors)

    @property
    def problem_field(self) -> str:
        """The field name submission.missing_for_submit reports this part under."""
        return f"item_{self.number}_{self.position}" if self.position else f"indicator_{self.number}"


@dataclass
class IndicatorView:
    row: IndicatorRow
    judgment: Part | None
    items: list[tuple[ItemRow, Part]]


@dataclass
class GroupView:
    row: GroupRow
    indicators: list[IndicatorView]

    @property
    def group(self) -> IndicatorGroup:
        return self.row.group

    @property
    def subtotal(self) -> Decimal:
        return self.row.subtotal


@dataclass(frozen=True)
class Missing:
    """One thing still keeping the draft back, with the anchor of the part to fix."""

    text: str
    anchor: str


@dataclass
class Form:
    groups: list[GroupView]
    missing: list[Missing]

    def find(self, number: int, sub_item: str) -> tuple[GroupView, IndicatorView, Part]:
        """The part a save addressed: a sub-item by position or code, else the judgment, else
        the indicator's only item (as drafts.item_for reads it); Http404 for none."""
        for group in self.groups:
            for indicator in group.indicators:
                if indicator.row.score.indicator.number != number:
                    continue
                if sub_item.isdigit():
                    parts = [p for _, p in indicator.items if p.position == int(sub_item)]
                elif sub_item:
                    parts = [p for item, p in indicator.items if item.row.sub_item.code == sub_item]
                elif indicator.judgment is not None:
                    parts = [indicator.judgment]
                else:
                    parts = [p for _, p in indicator.items] if len(indicator.items) == 1 else []
                if parts:
                    return group, indicator, parts[0]
        raise Http404


def build(evaluation: Evaluation, language: str, editable: bool = True) -> Form:
    """The sheet as parts, each with what still keeps it from submission (none when read-only)."""
    problems: list[FieldError] = submission.missing_for_submit(evaluation) if editable else []
    notes: dict[str, list[str]] = {}
    for problem in problems:
        notes.setdefault(problem.field, []).append(field_message(problem, language))
    groups = []
    for group in sheet(evaluation):
        indicators = []
        for ind in group.indicators:
            number = ind.score.indicator.number
            judgment = Part(number, inputs=("points", "reason")) if ind.score.indicator.is_judgment else None
            items = [(item, _item_part(evaluation, number, item)) for item in ind.items]
            for part in [judgment, *(p for _, p in items)]:
                if part is not None:
                    part.notes = notes.get(part.problem_field, [])
            indicators.append(IndicatorView(ind, judgment, items))
        groups.append(GroupView(group, indicators))
    missing = [Missing(field_message(p, language), p.field.replace("_", "-")) for p in problems]
    return Form(groups, missing)


def _item_part(evaluation: Evaluation, number: int, item: ItemRow) -> Part:
    sub = item.row.sub_item
    inputs: tuple[str, ...] = ("satisfied",) if sub.rule_kind == RuleKind.CHECKLIST else ("points",)
    if sub.rule_kind == RuleKind.CHECKLIST and not sub.is_computed:
        inputs += ("evidence",)
    # A computed item's adjustment, or a change to the stage this one is based on, needs a reason.
    if sub.is_computed or evaluation.based_on_id is not None:
        inputs += ("reason",)
    return Part(number, sub.position, inputs=inputs)


def answer(
    request: HttpRequest,
    evaluation: Evaluation,
    number: int,
    post: QueryDict,
    *,
    error: ServiceError | None = None,
    note_kept: bool = False,
) -> HttpResponse:
    """The htmx answer to a save: the part with its saved state or its refusal, and the rest of
    the form that the save changed, out of band. A refusal the page does not explain (403, 404)
    is the site's error page, as for a plain post."""
    if error is not None:
        raise_for_refusal(error)
    evaluation.refresh_from_db(fields=["status", "base", "bonus", "total"])
    form = build(evaluation, request.LANGUAGE_CODE)
    group, indicator, part = form.find(number, (post.get("sub_item") or "").strip())
    if error is None:
        part.saved = True
        if note_kept:
            # A note travels with a file or link: kept in its input until one is given.
            part.values = {"evidence_note": post.get("evidence_note", "")}
    else:
        refusal = page_errors(error, request.LANGUAGE_CODE)
        part.message = "" if refusal.fields else refusal.message
        part.errors = {_input_of(name): reasons for name, reasons in refusal.fields.items()}
        part.values = {name: post.get(name, "") for name in ECHOED}
    item = next((row for row, p in indicator.items if p is part), None)
    return render(
        request,
        "scorecard/_saved.html",
        {
            "evaluation": evaluation,
            "sheet": form,
            "group": group,
            "view": indicator,
            "item": item,
            "part": part,
            "can_change": True,
        },
        status=200 if error is None else error.status,
    )


def _input_of(service_field: str) -> str:
    """The input a service field error belongs next to (evidence: the file and link inputs)."""
    return "evidence" if service_field.startswith("evidence") else service_field
