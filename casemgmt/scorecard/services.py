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
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.service import Actor, acting_user, audit, require, write_transaction
from workflows.models import ProcessInstance

from . import evidence_files, rules_engine
from .evidence import check_upload, check_url
from .models import (
    Evaluation,
    EvaluationStatus,
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


def _invalid(field: str, code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(en, zh, fields=[FieldError(field, code, zh, en)])


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
        raise _invalid("stage", "choice", "评分阶段无效。", "Unknown evaluation stage.")
    if period_start is None or period_end is None or period_end < period_start:
        raise _invalid(
            "period_end",
            "order",
            "评估期间的结束日期不能早于开始日期。",
            "The period must not end before it starts.",
        )
    if bool(instance) != bool(task_spec):
        raise _invalid(
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
                raise _invalid(
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
        raise _invalid("points", "number", "分值须为数字。", "Points must be a number.") from None
    if not points.is_finite():
        raise _invalid("points", "number", "分值须为数字。", "Points must be a number.")
    return points


def _score_for(evaluation: Evaluation, indicator_number: int) -> IndicatorScore:
    score = evaluation.scores.select_related("indicator").filter(indicator__number=indicator_number).first()
    if score is None:
        raise _invalid("indicator", "not_found", "没有这个指标。", "No such indicator.")
    return score


def _item_for(score: IndicatorScore, sub_item: int | str | SubItem | None) -> SubItemScore | None:
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
        raise _invalid("sub_item", "not_found", "没有这个评价要点。", "No such sub-item.")
    return item


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
        score = _score_for(locked, indicator_number)
        indicator = score.indicator
        item = _item_for(score, sub_item)
        before = _describe(score, item)
        if indicator.is_judgment:
            if points is not None:
                try:
                    score.points = rules_engine.judgment(_parse_points(points), indicator.max_points)
                except rules_engine.RuleError:
                    raise _invalid(
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
                raise _invalid("sub_item", "required", "请指定评价要点。", "Say which sub-item.")
            _score_item(item, points=points, satisfied=satisfied, reason=reason)
            if evidence is not None and evidence != "":
                _add_evidence(score, item, evidence, evidence_note, actor)
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
            raise _invalid(
                "points", "checklist", "清单项只需选择是否符合。", "A checklist item is scored yes or no."
            )
        if satisfied is not None:
            item.satisfied = bool(satisfied)
            item.points = rules_engine.checklist(sub.points, item.satisfied)
            if sub.is_computed:
                item.adjusted = item.points != item.computed
    elif sub.rule_kind in COUNTING_RULES:
        if satisfied is not None:
            raise _invalid(
                "satisfied", "computed", "该项按记录计分。", "This item is scored from the records."
            )
        if points is not None:
            value = _parse_points(points)
            limit = sub.cap if sub.cap is not None else sub.indicator.max_points
            if value < 0 or value > limit or value != value.quantize(rules_engine.TENTH):
                raise _invalid(
                    "points",
                    "range",
                    f"分值须在 0 到 {limit} 之间，且为 0.1 的整数倍。",
                    f"Points must lie between 0 and {limit} in steps of 0.1.",
                )
            item.points = rules_engine.as_points(value)
            item.adjusted = item.points != item.computed
    item.save()


def _add_evidence(
    score: IndicatorScore, item: SubItemScore, evidence: UploadedFile | str, note: str, actor: Actor
) -> Evidence:
    if item.sub_item.rule_kind != RuleKind.CHECKLIST or item.sub_item.is_computed:
        raise _invalid(
            "evidence",
            "not_checklist",
            "只有清单项需要上传佐证材料。",
            "Evidence belongs to checklist items.",
        )
    row = Evidence(score=score, item=item, note=note.strip()[:300], uploaded_by=acting_user(actor))
    if isinstance(evidence, str):
        row.url = check_url(evidence)
    else:
        _, content_type = check_upload(evidence)
        row.original_name = (evidence.name or "")[:255]
        row.content_type = content_type
        row.size = evidence.size
        row.file.save(evidence.name or "evidence", evidence, save=False)
    row.save()
    return row


def add_evidence(
    evaluation: Evaluation | int,
    indicator_number: int,
    sub_item: int | str | None,
    evidence: UploadedFile | str,
    *,
    note: str = "",
    actor: Actor,
) -> Evidence:
    with write_transaction():
        locked = lock_evaluation(evaluation)
        require(actor, "scorecard.change_evaluation", locked)
        require_draft(locked)
        score = _score_for(locked, indicator_number)
        item = _item_for(score, sub_item)
        if item is None:
            raise _invalid("sub_item", "required", "请指定评价要点。", "Say which sub-item.")
        return _add_evidence(score, item, evidence, note, actor)


def remove_evidence(evidence_id: int, *, actor: Actor) -> None:
    """Detach evidence from a draft; its stored file goes once no other evaluation shares it."""
    with write_transaction():
        row = Evidence.objects.select_related("score").filter(pk=evidence_id).first()
        if row is None:
            raise NotFound("No such evidence.", "佐证材料不存在。")
        locked = lock_evaluation(row.score.evaluation_id)
        require(actor, "scorecard.change_evaluation", locked)
        require_draft(locked)
        name = row.file.name if row.file else ""
        row.delete()
        evidence_files.release(name)


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
