"""The service tasks of bpmn/site_promotion.bpmn and bpmn/typical_cases.bpmn.

Each handler runs inside the engine's transaction, in a savepoint: if it raises, its writes
vanish and the instance shows the error (process admins retry it). Handlers never trust what a
person typed into a generic task form: scores are read back from the scorecard's own rows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from audit.actions import Action
from casemgmt.models import NamingRecord, OrgUnit, ProjectLevel, ServiceProject
from casemgmt.scorecard.models import Evaluation, TypicalCase
from core.service import audit
from workflows import registry
from workflows.models import HumanTask

from . import package
from .handler_info import INFO
from .models import Band, CityAnswer, CityNomination, Outcome, PackageFormat, ProjectAssessment
from .naming import proposed_district_name

DEFAULT_REMINDER_DAYS = 10
REMINDED_PRIORITY = 90


class PromotionStepFailed(RuntimeError):
    """A step found the case in a state it cannot continue from (shown on the instance)."""


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _assessment(call: registry.ServiceCall) -> ProjectAssessment:
    found = (
        ProjectAssessment.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(instance_id=call.instance.pk)
        .first()
    )
    if found is None:
        raise PromotionStepFailed(f"instance {call.instance.pk} has no project assessment")
    return found


def _decided(
    call: registry.ServiceCall,
    assessment: ProjectAssessment,
    stage: str,
    before: dict[str, Any] | None = None,
    **after: Any,
) -> None:
    audit(
        Action.PROMOTION_DECIDED,
        call.actor,
        target_type="service_project",
        target_id=assessment.project_id,
        instance=assessment.instance,
        before=before,
        after={"stage": stage, "assessment": assessment.pk, **after},
    )


def prepare(call: registry.ServiceCall) -> dict[str, Any]:
    """Start of a cycle: the project as it is now, and the cycle's assessment row."""
    project = ServiceProject.objects.filter(pk=int(call.params["project_id"])).first()
    if project is None:
        raise PromotionStepFailed(f"service project {call.params['project_id']} does not exist")
    if project.level not in (ProjectLevel.STREET, ProjectLevel.DISTRICT):
        raise PromotionStepFailed(f"{project.code} is {project.level}-level: nothing to promote")
    period_start, period_end = _date(call.params["period_start"]), _date(call.params["period_end"])
    assessment, _ = ProjectAssessment.objects.get_or_create(
        instance=call.instance,
        defaults={
            "project": project,
            "period_start": period_start,
            "period_end": period_end,
            "cycle": call.instance.cycle,
            "level_at_start": project.level,
        },
    )
    reminder = call.data.get("reminder_days")
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "level": project.level,
        "assessment": assessment.pk,
        "proposed_name": proposed_district_name(project),
        "reminder_days": int(reminder)
        if isinstance(reminder, int) and reminder > 0
        else DEFAULT_REMINDER_DAYS,
    }


def open_evaluation(call: registry.ServiceCall) -> dict[str, Any]:
    """A draft evaluation of the given stage, tied to the human task that will wait for it."""
    from casemgmt.scorecard.services import create_evaluation

    stage = str(call.params["stage"])
    assessment = _assessment(call)
    based_on = {
        Evaluation.Stage.SELF: None,
        Evaluation.Stage.OFFICE: assessment.self_evaluation,
        Evaluation.Stage.DISTRICT: assessment.office_evaluation,
    }[Evaluation.Stage(stage)]
    evaluation = create_evaluation(
        assessment.project,
        assessment.period_start,
        assessment.period_end,
        stage=stage,
        actor=None,
        based_on=based_on,
        instance=call.instance,
        task_spec=str(call.params["task_spec"]),
    )
    setattr(assessment, f"{stage}_evaluation", evaluation)
    assessment.save(update_fields=[f"{stage}_evaluation", "updated_at"])
    return {"evaluation_id": evaluation.pk, "stage": stage}


def check_evaluation(call: registry.ServiceCall) -> dict[str, Any]:
    """Whether the task was completed by submitting this cycle's evaluation, and its score.

    The score is the total as a number for score_band.dmn. The scorecard keeps one decimal
    (tenths); Decimal → float is monotonic and keeps decimals of up to 15 significant digits
    distinct, so comparing it with the table's literals (60, 70, 80, or any decimal an admin
    writes) orders exactly as the decimals do: 70.1 > 70 and 80.0 is not > 80.
    """
    stage = str(call.params["stage"])
    evaluation: Evaluation | None = getattr(_assessment(call), f"{stage}_evaluation")
    submitted_id = call.data.get("evaluation_id")
    valid = (
        evaluation is not None
        and isinstance(submitted_id, int)
        and submitted_id == evaluation.pk
        and evaluation.status == Evaluation.Status.SUBMITTED
        and evaluation.instance_id == call.instance.pk
    )
    if evaluation is None:
        return {"valid": False, "stage": stage}
    return {
        "valid": valid,
        "stage": stage,
        "evaluation_id": evaluation.pk,
        "base": str(evaluation.base),
        "bonus": str(evaluation.bonus),
        "total": str(evaluation.total),
        "score": float(evaluation.total),
    }


_OFFICE_OUTCOME = {
    Band.UNQUALIFIED: Outcome.UNQUALIFIED,
    Band.RECORDED: Outcome.RECORDED,
    Band.DISTRICT_CANDIDATE: Outcome.APPLYING,
}


def record_band(call: registry.ServiceCall) -> dict[str, Any]:
    """Keep the band the decision table gave (stage office or district) and what it means."""
    stage = str(call.params["stage"])
    band = Band(str(call.data["band"]))
    assessment = _assessment(call)
    before = {"outcome": assessment.outcome}
    if stage == Evaluation.Stage.OFFICE:
        assessment.band = band
        assessment.outcome = _OFFICE_OUTCOME.get(band, Outcome.RECORDED)
    else:
        assessment.district_band = band
        if assessment.level_at_start == ProjectLevel.STREET:
            passed = band == Band.DISTRICT_CANDIDATE
            assessment.outcome = Outcome.IN_PROGRESS if passed else Outcome.DISTRICT_FAILED
        else:
            city = band == Band.CITY_CANDIDATE
            assessment.outcome = Outcome.IN_PROGRESS if city else Outcome.DISTRICT_HELD
    assessment.save(update_fields=["band", "district_band", "outcome", "updated_at"])
    score = (call.data.get("assessed") or {}).get("total")
    _decided(call, assessment, stage, before, band=band.value, total=score, outcome=assessment.outcome)
    return {"band": band.value, "outcome": assessment.outcome}


def record_guidance(call: registry.ServiceCall) -> dict[str, Any]:
    assessment = _assessment(call)
    assessment.guidance = str(call.data.get("guidance") or "")
    deadline = call.data.get("guidance_deadline")
    assessment.guidance_deadline = _date(deadline) if deadline else None
    assessment.save(update_fields=["guidance", "guidance_deadline", "updated_at"])
    return {"deadline": str(assessment.guidance_deadline or "")}


def record_recommendation(call: registry.ServiceCall) -> dict[str, Any]:
    """The application and the office's answer to it (recommend, or return with reasons)."""
    assessment = _assessment(call)
    proposed = str(call.data.get("proposed_name") or "").strip()
    assessment.proposed_name = proposed or proposed_district_name(assessment.project)
    decision = str(call.data.get("office_decision") or "")
    assessment.office_reasons = str(call.data.get("office_reasons") or "")
    assessment.save(update_fields=["proposed_name", "office_reasons", "updated_at"])
    _decided(
        call,
        assessment,
        "office_recommendation",
        decision=decision,
        proposed_name=assessment.proposed_name,
        reasons=assessment.office_reasons,
    )
    return {"decision": decision, "proposed_name": assessment.proposed_name}


def _name(
    project: ServiceProject,
    level: str,
    name: str,
    decision: str,
    decided_by: Any,
    assessment: ProjectAssessment,
) -> NamingRecord:
    project = ServiceProject.objects.select_for_update().get(pk=project.pk)
    before = {"level": project.level, "name": project.name}
    record = NamingRecord.objects.create(
        project=project,
        level=level,
        decided_by=decided_by,
        decided_at=timezone.localdate(),
        decision=decision,
        name_at_the_time=name,
    )
    project.level = level
    project.name = name
    project.save(update_fields=["level", "name", "updated_at"])
    audit(
        Action.PROJECT_NAMED,
        decided_by,
        target_type="service_project",
        target_id=project.pk,
        instance=assessment.instance,
        before=before,
        after={"level": level, "name": name, "naming_record": record.pk, "decision": decision},
    )
    return record


def name_district(call: registry.ServiceCall) -> dict[str, Any]:
    """Passing the bureau's evaluation: named a district-level project (认定命名为区级项目)."""
    assessment = _assessment(call)
    evaluation = assessment.district_evaluation
    if evaluation is None:
        raise PromotionStepFailed("no district evaluation to base the naming on")
    name = assessment.proposed_name or proposed_district_name(assessment.project)
    decision = f"区市场监管局效能评估通过（总分 {evaluation.total}），认定命名为区级项目"
    record = _name(
        assessment.project, ProjectLevel.DISTRICT, name, decision, evaluation.submitted_by, assessment
    )
    before = {"outcome": assessment.outcome}
    assessment.outcome = Outcome.NAMED_DISTRICT
    assessment.save(update_fields=["outcome", "updated_at"])
    _decided(call, assessment, "district_naming", before, outcome=assessment.outcome, naming_record=record.pk)
    return {"naming_record": record.pk, "name": name}


def record_outcome(call: registry.ServiceCall) -> dict[str, Any]:
    assessment = _assessment(call)
    before = {"outcome": assessment.outcome}
    assessment.outcome = Outcome(str(call.params["outcome"]))
    assessment.save(update_fields=["outcome", "updated_at"])
    _decided(call, assessment, "decision", before, outcome=assessment.outcome)
    return {"outcome": assessment.outcome}


def build_package(call: registry.ServiceCall) -> dict[str, Any]:
    """Recommend for city naming: generate the package and keep it with the nomination."""
    assessment = _assessment(call)
    evaluation = assessment.district_evaluation
    if evaluation is None:
        raise PromotionStepFailed("no district evaluation to build the package from")
    chosen = str(call.params.get("format") or PackageFormat.XLSX)
    package_format = PackageFormat(chosen if chosen in PackageFormat.values else PackageFormat.XLSX)
    content, filename = package.build(assessment.project, evaluation, package_format)
    nomination = CityNomination.objects.create(
        project=assessment.project,
        assessment=assessment,
        package=content,
        package_format=package_format,
        package_name=filename,
        submitted_at=timezone.now(),
    )
    before = {"outcome": assessment.outcome}
    assessment.outcome = Outcome.CITY_RECOMMENDED
    assessment.save(update_fields=["outcome", "updated_at"])
    _decided(
        call, assessment, "city_recommendation", before, outcome=assessment.outcome, nomination=nomination.pk
    )
    return {"nomination": nomination.pk, "file": filename}


def record_city_answer(call: registry.ServiceCall) -> dict[str, Any]:
    assessment = _assessment(call)
    nomination = CityNomination.objects.select_for_update().get(assessment=assessment)
    answer = CityAnswer(str(call.data["city_answer"]))
    nomination.answer = answer
    nomination.answered_at = _date(call.data["city_answered_on"])
    nomination.decision_note = str(call.data.get("city_note") or "")
    nomination.save(update_fields=["answer", "answered_at", "decision_note"])
    before = {"outcome": assessment.outcome}
    if answer == CityAnswer.APPROVED:
        project = assessment.project
        decision = f"上海市市场监督管理局命名为市级项目（{nomination.answered_at:%Y-%m-%d}）"
        if nomination.decision_note:
            decision += f"：{nomination.decision_note}"
        _name(project, ProjectLevel.CITY, project.name, decision, None, assessment)
        assessment.outcome = Outcome.CITY_APPROVED
    else:
        assessment.outcome = Outcome.CITY_REJECTED
    assessment.save(update_fields=["outcome", "updated_at"])
    _decided(
        call,
        assessment,
        "city_answer",
        before,
        outcome=assessment.outcome,
        answer=answer.value,
        note=nomination.decision_note,
    )
    return {"answer": answer.value}


def remind(call: registry.ServiceCall) -> dict[str, Any]:
    """The reminder timer: push the waiting task to the top of its group's inbox."""
    reminded = HumanTask.objects.filter(
        instance_id=call.instance.pk, task_spec=str(call.params["task_spec"]), status=HumanTask.Status.OPEN
    ).update(priority=REMINDED_PRIORITY)
    return {"reminded": reminded}


# --- typical cases ------------------------------------------------------------------------------


def check_typical_cases(call: registry.ServiceCall) -> dict[str, Any]:
    """How many typical cases the office has submitted for the quarter (none: ask again)."""
    office = OrgUnit.objects.filter(code=call.instance.org_unit_code).first()
    quarter = str(call.params["quarter"]).upper()
    found = (
        TypicalCase.objects.filter(office=office, quarter=quarter) if office else TypicalCase.objects.none()
    )
    latest = found.aggregate(latest=Max("submitted_at"))["latest"]
    return {"count": found.count(), "quarter": quarter, "latest": str(latest or "")}


HANDLERS = {
    "promotion.prepare": prepare,
    "promotion.open_evaluation": open_evaluation,
    "promotion.check_evaluation": check_evaluation,
    "promotion.record_band": record_band,
    "promotion.record_guidance": record_guidance,
    "promotion.record_recommendation": record_recommendation,
    "promotion.name_district": name_district,
    "promotion.record_outcome": record_outcome,
    "promotion.build_package": build_package,
    "promotion.record_city_answer": record_city_answer,
    "promotion.remind": remind,
    "promotion.check_typical_cases": check_typical_cases,
}


def register() -> None:
    """Called from PromotionConfig.ready()."""
    for name, handler in HANDLERS.items():
        registry.register_service_handler(name, handler, INFO.get(name))
