"""Submitting a scorecard: what still keeps a draft back, and the submission itself.

Submitting an evaluation the promotion process started completes that process's open human task
with the scores, in the same transaction (see services.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput
from core.service import Actor, acting_user, audit, require, write_transaction
from workflows import human_tasks
from workflows.models import HumanTask

from .drafts import lock_evaluation, require_draft
from .models import Evaluation, EvaluationStatus, RuleKind, Stage, SubItemScore
from .services import refresh_totals


def missing_for_submit(evaluation: Evaluation) -> list[FieldError]:
    """What still keeps a draft from being submitted (evidence, reasons).

    An item is adjusted when its points differ from what the records prove, or, in an office or
    district evaluation, when a manual item differs from the evaluation it is based on; either
    needs a written reason.
    """
    problems: list[FieldError] = []
    scores = evaluation.scores.select_related("indicator").prefetch_related(
        "items__sub_item", "items__evidence"
    )
    earlier = _earlier_points(evaluation)
    for score in scores.order_by("indicator__number"):
        indicator = score.indicator
        if indicator.is_judgment and not score.reason.strip():
            problems.append(
                FieldError(
                    f"indicator_{indicator.number}",
                    "reason_required",
                    f"指标{indicator.number}（{indicator.name_zh}）须写明评分理由。",
                    f"Indicator {indicator.number} ({indicator.name_en}) needs a written reason.",
                )
            )
        for item in score.items.all():
            sub = item.sub_item
            label = f"{indicator.number}{sub.code}"
            needs_evidence = sub.rule_kind == RuleKind.CHECKLIST and not sub.is_computed and item.satisfied
            if needs_evidence and not item.evidence.all():
                problems.append(
                    FieldError(
                        f"item_{indicator.number}_{sub.position}",
                        "evidence_required",
                        f"评价要点 {label} 已勾选符合，须上传佐证材料或填写链接。",
                        f"Item {label} is marked satisfied and needs evidence (a file or a link).",
                    )
                )
            changed = (
                not sub.is_computed
                and earlier.get((indicator.number, sub.position), item.points) != item.points
            )
            if (item.adjusted or changed) and not item.reason.strip():
                problems.append(
                    FieldError(
                        f"item_{indicator.number}_{sub.position}",
                        "reason_required",
                        f"评价要点 {label} 的分值已调整，须写明理由。",
                        f"Item {label} was adjusted and needs a written reason.",
                    )
                )
    return problems


def _earlier_points(evaluation: Evaluation) -> dict[tuple[int, int], Decimal]:
    """(indicator number, item position) → points in the evaluation this one is based on."""
    if evaluation.based_on_id is None:
        return {}
    rows = SubItemScore.objects.filter(score__evaluation_id=evaluation.based_on_id).values_list(
        "score__indicator__number", "sub_item__position", "points"
    )
    return {(number, position): points for number, position, points in rows}


def submit_evaluation(evaluation: Evaluation | int, *, actor: Actor) -> Evaluation:
    with write_transaction():
        locked = lock_evaluation(evaluation)
        require(actor, "scorecard.change_evaluation", locked)
        require_draft(locked)
        problems = missing_for_submit(locked)
        if problems:
            raise InvalidInput(
                "The scorecard is incomplete: evidence or reasons are missing.",
                "评分表尚不完整：缺少佐证材料或评分理由。",
                code="incomplete",
                fields=problems,
            )
        refresh_totals(locked)
        locked.status = EvaluationStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = acting_user(actor)
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        summary = {
            "project": locked.project_id,
            "stage": locked.stage,
            "period": [locked.period_start.isoformat(), locked.period_end.isoformat()],
            "template_version": locked.template_version.number,
            "base": str(locked.base),
            "bonus": str(locked.bonus),
            "total": str(locked.total),
            "scores": {
                str(s.indicator.number): str(s.points) for s in locked.scores.select_related("indicator")
            },
        }
        action = Action.SCORECARD_SUBMITTED if locked.stage == Stage.SELF else Action.SCORECARD_EVALUATED
        audit(
            action,
            actor,
            target_type="scorecard_evaluation",
            target_id=locked.pk,
            instance=locked.instance,
            after=summary,
        )
        if locked.instance_id is not None and locked.task_spec:
            _complete_task(locked, actor)
        return locked


def task_data(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "evaluation_id": evaluation.pk,
        "total": str(evaluation.total),
        "base": str(evaluation.base),
        "bonus": str(evaluation.bonus),
    }


def _complete_task(evaluation: Evaluation, actor: Actor) -> None:
    task = (
        HumanTask.objects.filter(
            instance_id=evaluation.instance_id, task_spec=evaluation.task_spec, status=HumanTask.Status.OPEN
        )
        .order_by("pk")
        .first()
    )
    if task is None:
        raise Conflict(
            "The process step this evaluation answers is no longer open.",
            "该评分表对应的流程任务已不再待办。",
            code="task_closed",
        )
    human_tasks.complete(task.pk, actor=actor, data=task_data(evaluation))
