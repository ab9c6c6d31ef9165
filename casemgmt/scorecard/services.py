"""Creating and filling a scorecard: one transaction per call, permission-checked, audited.

The promotion process starts the office and district evaluations with `instance`/`task_spec`
set; submitting one (submission.py) completes that open human task with the scores.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from audit.actions import Action
from core.errors import Conflict
from core.service import Actor, acting_user, audit, require, write_transaction
from workflows.models import ProcessInstance

from . import rules_engine
from .attachments import attach
from .drafts import invalid, item_for, lock_evaluation, require_draft, score_for
from .models import (
    Evaluation,
    Evidence,
    Indicator,
    IndicatorScore,
    RuleKind,
    Stage,
    SubItem,
    SubItemScore,
    TemplateVersion,
)
from .rules import STAGE_PERMISSIONS
from .sources import collect

COUNTING_RULES = (RuleKind.COUNT_RATE, RuleKind.DISTINCT_RATE, RuleKind.PER_HUNDRED)


def template_for(day: datetime.date) -> TemplateVersion:
    """The newest template version in effect on `day`."""
    version = TemplateVersion.objects.filter(effective_from__lte=day).order_by("-number").first()
    if version is None:
        raise Conflict(
            "No scorecard template is in effect for this period (run load_scorecard_template).",
            "该期间没有生效的效能评分表模板（请运行 load_scorecard_template）。",
            code="no_template",
        )
    return version


# ---------------------------------------------------------------------------------------------
# Computing


def compute_item(item_score: SubItemScore, evaluation: Evaluation) -> None:
    """Fill a computed item's count, records and computed points from the service records."""
    sub = item_score.sub_item
    units = collect(sub.source, evaluation.project_id, evaluation.period_start, evaluation.period_end)
    item_score.count = units.count
    item_score.records = {
        "model": units.model,
        "units": [{"key": unit.key, "ids": list(unit.record_ids)} for unit in units.units],
        "blocking": list(units.blocking_ids),
    }
    if sub.rule_kind == RuleKind.CHECKLIST:
        computed = rules_engine.checklist(sub.points, units.satisfied)
        if not item_score.adjusted:
            item_score.satisfied = bool(units.satisfied)
    else:
        computed = rules_engine.rule_points(sub.rule_kind, rate=sub.points, cap=sub.cap, count=units.count)
    item_score.computed = computed
    if not item_score.adjusted:
        item_score.points = computed


def refresh_totals(evaluation: Evaluation) -> None:
    """Indicator points from their items, group subtotals, base, bonus and total."""
    scores = list(evaluation.scores.select_related("indicator", "indicator__group").prefetch_related("items"))
    by_group: dict[int, tuple[int, Decimal, bool, list[Decimal]]] = {}
    for score in scores:
        indicator = score.indicator
        items = list(score.items.all())
        if items:
            score.points = rules_engine.indicator_points((i.points for i in items), indicator.max_points)
            computed = [i.computed for i in items if i.computed is not None]
            score.computed = (
                rules_engine.indicator_points(computed, indicator.max_points) if computed else None
            )
            score.adjusted = any(i.adjusted for i in items)
            score.save(update_fields=["points", "computed", "adjusted"])
        group = indicator.group
        by_group.setdefault(group.pk, (group.position, group.max_points, group.is_bonus, []))[3].append(
            score.points
        )
    result = rules_engine.totals(sorted(by_group.values()))
    evaluation.base, evaluation.bonus, evaluation.total = result.base, result.bonus, result.total
    evaluation.save(update_fields=["base", "bonus", "total"])


# ---------------------------------------------------------------------------------------------
# Creating


def create_evaluation(
    project: Any,
    period_start: datetime.date,
    period_end: datetime.date,
    *,
    stage: str,
    actor: Actor,
    based_on: Evaluation | None = None,
    instance: ProcessInstance | None = None,
    task_spec: str = "",
) -> Evaluation:
    """A draft scorecard: computed items from the period's records, the rest copied from `based_on`."""
    if stage not in STAGE_PERMISSIONS:
        raise invalid("stage", "choice", "评分阶段无效。", "Unknown evaluation stage.")
    if period_start is None or period_end is None or period_end < period_start:
        raise invalid(
            "period_end",
            "order",
            "评估期间的结束日期不能早于开始日期。",
            "The period must not end before it starts.",
        )
    if bool(instance) != bool(task_spec):
        raise invalid(
            "task_spec",
            "pair",
            "流程实例与任务须同时给出。",
            "Give both the process instance and the task, or neither.",
        )
    with write_transaction():
        require(actor, STAGE_PERMISSIONS[stage], project)
        if based_on is not None:
            based_on = Evaluation.objects.select_related("template_version").get(pk=based_on.pk)
            if based_on.project_id != project.pk:
                raise invalid(
                    "based_on",
                    "project",
                    "所依据的评分表属于其他项目。",
                    "The evaluation it is based on belongs to another project.",
                )
        template = based_on.template_version if based_on is not None else template_for(period_end)
        evaluation = Evaluation.objects.create(
            project=project,
            period_start=period_start,
            period_end=period_end,
            template_version=template,
            stage=stage,
            based_on=based_on,
            instance=instance,
            task_spec=task_spec,
            created_by=acting_user(actor),
        )
        _fill(evaluation, based_on)
        refresh_totals(evaluation)
        return evaluation


def _fill(evaluation: Evaluation, based_on: Evaluation | None) -> None:
    earlier: dict[int, IndicatorScore] = {}
    earlier_items: dict[tuple[int, int], SubItemScore] = {}
    if based_on is not None:
        for old in based_on.scores.select_related("indicator").prefetch_related("items__sub_item"):
            earlier[old.indicator.number] = old
            for old_item in old.items.all():
                earlier_items[(old.indicator.number, old_item.sub_item.position)] = old_item
    indicators = Indicator.objects.filter(template=evaluation.template_version).prefetch_related("sub_items")
    for indicator in indicators.order_by("number"):
        copied = earlier.get(indicator.number)
        score = IndicatorScore.objects.create(
            evaluation=evaluation,
            indicator=indicator,
            points=copied.points if copied is not None and indicator.is_judgment else rules_engine.ZERO,
            reason=copied.reason if copied is not None and indicator.is_judgment else "",
        )
        for sub in indicator.sub_items.all():
            item = SubItemScore(score=score, sub_item=sub)
            previous = earlier_items.get((indicator.number, sub.position))
            if sub.is_computed:
                compute_item(item, evaluation)
            elif previous is not None:
                item.satisfied = previous.satisfied
                item.points = previous.points
                item.reason = previous.reason
            item.save()
            if previous is not None and not sub.is_computed:
                _copy_evidence(previous, score, item)


def _copy_evidence(previous: SubItemScore, score: IndicatorScore, item: SubItemScore) -> None:
    """The office starts from the operator's evidence; both evaluations keep their own rows."""
    for old in previous.evidence.all():
        Evidence.objects.create(
            score=score,
            item=item,
            file=old.file.name if old.file else "",
            original_name=old.original_name,
            content_type=old.content_type,
            size=old.size,
            url=old.url,
            note=old.note,
            uploaded_by=old.uploaded_by,
        )


# ---------------------------------------------------------------------------------------------
# Scoring


def _parse_points(value: Any) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid("points", "number", "分值须为数字。", "Points must be a number.") from None
    if not points.is_finite():
        raise invalid("points", "number", "分值须为数字。", "Points must be a number.")
    return points


def set_score(
    evaluation: Evaluation | int,
    indicator_number: int,
    sub_item: int | str | SubItem | None = None,
    *,
    points: Any = None,
    satisfied: bool | None = None,
    reason: str | None = None,
    evidence: UploadedFile | str | None = None,
    evidence_note: str = "",
    actor: Actor,
) -> IndicatorScore:
    """Score one indicator or sub-item of a draft.

    - checklist item: `satisfied` yes/no; `evidence` (a file or an http(s) link) may be added;
    - judgment indicator (7, 15): `points` 0..max and a `reason`;
    - computed item: `points` (or `satisfied` for 10(2)) overrides what the records prove; the
      item is then *adjusted* and needs a `reason`; giving the computed value back undoes it.
    """
    with write_transaction():
        locked = lock_evaluation(evaluation)
        require(actor, "scorecard.change_evaluation", locked)
        require_draft(locked)
        score = score_for(locked, indicator_number)
        indicator = score.indicator
        item = item_for(score, sub_item)
        before = _describe(score, item)
        if indicator.is_judgment:
            if points is not None:
                try:
                    score.points = rules_engine.judgment(_parse_points(points), indicator.max_points)
                except rules_engine.RuleError:
                    raise invalid(
                        "points",
                        "range",
                        f"分值须在 0 到 {indicator.max_points} 之间，且为 0.1 的整数倍。",
                        f"Points must lie between 0 and {indicator.max_points} in steps of 0.1.",
                    ) from None
            if reason is not None:
                score.reason = reason.strip()
            score.save(update_fields=["points", "reason"])
        else:
            if item is None:
                raise invalid("sub_item", "required", "请指定评价要点。", "Say which sub-item.")
            _score_item(item, points=points, satisfied=satisfied, reason=reason)
            if evidence is not None and evidence != "":
                attach(score, item, evidence, evidence_note, actor)
        refresh_totals(locked)
        score.refresh_from_db()
        if item is not None:
            item.refresh_from_db()
        after = _describe(score, item)
        if (item is not None and item.adjusted) or (locked.stage != Stage.SELF and before != after):
            audit(
                Action.SCORECARD_ADJUSTED,
                actor,
                target_type="scorecard_evaluation",
                target_id=locked.pk,
                instance=locked.instance,
                before=before,
                after=after,
                reason=(item.reason if item is not None else score.reason),
            )
        return score


def _score_item(item: SubItemScore, *, points: Any, satisfied: bool | None, reason: str | None) -> None:
    sub = item.sub_item
    if reason is not None:
        item.reason = reason.strip()
    if sub.rule_kind == RuleKind.CHECKLIST:
        if points is not None:
            raise invalid(
                "points", "checklist", "清单项只需选择是否符合。", "A checklist item is scored yes or no."
            )
        if satisfied is not None:
            item.satisfied = bool(satisfied)
            item.points = rules_engine.checklist(sub.points, item.satisfied)
            if sub.is_computed:
                item.adjusted = item.points != item.computed
    elif sub.rule_kind in COUNTING_RULES:
        if satisfied is not None:
            raise invalid(
                "satisfied", "computed", "该项按记录计分。", "This item is scored from the records."
            )
        if points is not None:
            value = _parse_points(points)
            limit = sub.cap if sub.cap is not None else sub.indicator.max_points
            if value < 0 or value > limit or value != value.quantize(rules_engine.TENTH):
                raise invalid(
                    "points",
                    "range",
                    f"分值须在 0 到 {limit} 之间，且为 0.1 的整数倍。",
                    f"Points must lie between 0 and {limit} in steps of 0.1.",
                )
            item.points = rules_engine.as_points(value)
            item.adjusted = item.points != item.computed
    item.save()


def recompute(evaluation: Evaluation | int, *, actor: Actor) -> Evaluation:
    """Re-read the service records for a draft (adjusted items keep their points)."""
    with write_transaction():
        locked = lock_evaluation(evaluation)
        require(actor, "scorecard.change_evaluation", locked)
        require_draft(locked)
        for item in SubItemScore.objects.filter(score__evaluation=locked).select_related("sub_item"):
            if item.sub_item.is_computed:
                compute_item(item, locked)
                item.adjusted = item.adjusted and item.points != item.computed
                item.save()
        refresh_totals(locked)
        return locked


def _describe(score: IndicatorScore, item: SubItemScore | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "indicator": score.indicator.number,
        "points": str(score.points),
        "reason": score.reason,
    }
    if item is not None:
        data.update(
            sub_item=item.sub_item.position,
            satisfied=item.satisfied,
            item_points=str(item.points),
            computed=None if item.computed is None else str(item.computed),
            adjusted=item.adjusted,
            item_reason=item.reason,
        )
    return data
