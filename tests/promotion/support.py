"""Shared set-up of the promotion tests: the shipped diagrams deployed, a project in area A, and a
scorecard filled through the scorecard's own services to an exact total."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from casemgmt.models import OrgUnit, ServiceProject
from casemgmt.scorecard import services as scorecard
from casemgmt.scorecard.models import Evaluation, Indicator, RuleKind
from casemgmt.scorecard.seed import load_template
from casemgmt.scorecard.submission import submit_evaluation
from tests.factories import make_project
from tests.personas import OPERATOR_A, OPERATOR_B
from workflows import human_tasks
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
EVIDENCE = "https://example.org/evidence/1"
REASON = "按核实的记录评分"


def deploy_shipped(stem: str) -> ProcessModelVersion:
    outcome = deploy(bundle_for(BPMN / f"{stem}.bpmn"), actor=None, model_key=stem)
    assert outcome.version is not None
    return outcome.version


def setup_promotion() -> None:
    load_template()
    deploy_shipped("site_promotion")


def project_in(operator_code: str = OPERATOR_A, **fields: Any) -> ServiceProject:
    operator = OrgUnit.objects.get(code=operator_code)
    assert operator.parent is not None
    defaults: dict[str, Any] = {
        "level": ServiceProject.Level.STREET,
        "industry_focus": "食品制造",
        "coordinating_office": operator.parent,
        "operator": operator,
    }
    defaults.update(fields)
    return make_project(**defaults)


def project_b() -> ServiceProject:
    return project_in(OPERATOR_B, industry_focus="智能制造")


def fill_to(evaluation: Evaluation | int, target: str, actor: Any) -> Evaluation:
    """Score every item of a draft so that its total is exactly `target` (tenths).

    Adjustable computed items and the two judgment indicators take the fine part; checklist
    items (with an evidence link) the rest. Every item is set, so a copy of an earlier stage's
    scores is overwritten completely.
    """
    evaluation = Evaluation.objects.get(pk=getattr(evaluation, "pk", evaluation))
    remaining = Decimal(target)
    indicators = Indicator.objects.filter(template=evaluation.template_version).prefetch_related("sub_items")
    computed: list[tuple[int, int, Decimal]] = []
    checklist: list[tuple[int, int, bool, bool]] = []
    judgments: list[tuple[int, Decimal]] = []
    # Whole points first (computed items, then checklist items), the judgments take the rest,
    # tenths included.
    for indicator in indicators.order_by("number"):
        used = Decimal(0)  # items of one indicator share its maximum (14's three items: 10)
        for sub in indicator.sub_items.all():
            if sub.rule_kind == RuleKind.CHECKLIST:
                continue
            cap = sub.cap if sub.cap is not None else indicator.max_points
            points = min(
                cap, indicator.max_points - used, remaining.to_integral_value(rounding="ROUND_FLOOR")
            )
            used += points
            remaining -= points
            computed.append((indicator.number, sub.position, points))
    for indicator in indicators.order_by("number"):
        for sub in indicator.sub_items.all():
            if sub.rule_kind == RuleKind.CHECKLIST:
                take = remaining - sub.points >= 0
                remaining -= sub.points if take else 0
                checklist.append((indicator.number, sub.position, take, sub.is_computed))
    for indicator in indicators.order_by("number"):
        if indicator.rule_kind == RuleKind.JUDGMENT:
            points = min(indicator.max_points, remaining)
            remaining -= points
            judgments.append((indicator.number, points))
    assert remaining == 0, f"cannot reach {target}: {remaining} left"
    for number, position, points in computed:
        scorecard.set_score(evaluation, number, position, points=str(points), reason=REASON, actor=actor)
    for number, position, take, from_records in checklist:
        if from_records:  # e.g. 10(2), proven by the records: an override needs a reason, not a file
            scorecard.set_score(evaluation, number, position, satisfied=take, reason=REASON, actor=actor)
        else:
            # A reason too: an office or district evaluation that differs from the stage before
            # must say why.
            scorecard.set_score(
                evaluation,
                number,
                position,
                satisfied=take,
                evidence=EVIDENCE if take else None,
                reason=REASON,
                actor=actor,
            )
    for number, points in judgments:
        scorecard.set_score(evaluation, number, points=str(points), reason=REASON, actor=actor)
    evaluation.refresh_from_db()
    assert evaluation.total == Decimal(target), (evaluation.total, target)
    return evaluation


def open_task(instance: ProcessInstance, spec: str | None = None) -> HumanTask:
    rows = HumanTask.objects.filter(instance=instance, status=HumanTask.Status.OPEN)
    if spec:
        rows = rows.filter(task_spec=spec)
    return rows.get()


def open_specs(instance: ProcessInstance) -> set[str]:
    return set(
        HumanTask.objects.filter(instance=instance, status=HumanTask.Status.OPEN).values_list(
            "task_spec", flat=True
        )
    )


def score_stage(instance: ProcessInstance, stage: str, target: str, actor: Any) -> Evaluation:
    """Fill and submit this cycle's evaluation of `stage` as `actor` (the scorecard completes the
    waiting task)."""
    evaluation = Evaluation.objects.get(instance=instance, stage=stage, status=Evaluation.Status.DRAFT)
    fill_to(evaluation, target, actor)
    return submit_evaluation(evaluation, actor=actor)


def complete(instance: ProcessInstance, spec: str, actor: Any, data: dict[str, Any]) -> None:
    human_tasks.complete(open_task(instance, spec).pk, actor=actor, data=data)
