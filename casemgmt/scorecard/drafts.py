"""Finding and locking a draft evaluation and addressing its scores: what every service that
changes a scorecard does first (services.py, attachments.py, submission.py)."""

from __future__ import annotations

from typing import Any

from core.errors import Conflict, InvalidInput, NotFound

from .models import Evaluation, EvaluationStatus, IndicatorScore, SubItem, SubItemScore


def invalid(field: str, code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput.on_field(field, code, zh, en)


def lock_evaluation(evaluation: Evaluation | int) -> Evaluation:
    pk = evaluation.pk if isinstance(evaluation, Evaluation) else evaluation
    found = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("project", "project__operator", "template_version")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(f"Evaluation {pk} does not exist.", f"评分表 {pk} 不存在。")
    return found


def require_draft(evaluation: Evaluation) -> None:
    if evaluation.status != EvaluationStatus.DRAFT:
        raise Conflict(
            "The evaluation has been submitted and can no longer change.",
            "该评分表已提交，不能再修改。",
            code="submitted",
        )


def score_for(evaluation: Evaluation, indicator_number: int) -> IndicatorScore:
    score = evaluation.scores.select_related("indicator").filter(indicator__number=indicator_number).first()
    if score is None:
        raise invalid("indicator", "not_found", "没有这个指标。", "No such indicator.")
    return score


def item_for(score: IndicatorScore, sub_item: int | str | SubItem | None) -> SubItemScore | None:
    if sub_item is None or sub_item == "":
        items = list(score.items.select_related("sub_item"))
        # A single-rule indicator (8, 13, 16, 17, 18) may be addressed without its item.
        return items[0] if len(items) == 1 else None
    lookup: dict[str, Any]
    if isinstance(sub_item, SubItem):
        lookup = {"sub_item": sub_item}
    elif isinstance(sub_item, int) or str(sub_item).isdigit():
        lookup = {"sub_item__position": int(sub_item)}
    else:
        lookup = {"sub_item__code": str(sub_item)}
    item = score.items.select_related("sub_item").filter(**lookup).first()
    if item is None:
        raise invalid("sub_item", "not_found", "没有这个评价要点。", "No such sub-item.")
    return item
