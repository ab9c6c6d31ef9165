"""The service-task handlers of `service_case.bpmn`: they write the case as the process moves.

Each handler runs inside the engine's turn (the caller's transaction, in a savepoint) and reads
the form the last human task submitted from the task data. A handler that finds the input
unusable (an institution that does not exist, a service date in the future) does not raise: an
exception would put the whole instance into the error state. It answers {"ok": false, "error"}
and the diagram sends the task back to the person, with the error in its instructions.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from audit.actions import Action
from casemgmt.org.calendar import SHANGHAI
from casemgmt.registry import catalogue
from core.service import audit
from workflows.registry import ServiceCall, register_service_handler

from ..models import CaseStage, ServiceCase, ServiceClass, ServiceMode, ServiceRecord, TechnicalInstitution
from .feedback import clean_feedback
from .handler_info import INFO

# How the feedback being saved arrived; the online form sets it around its task completion.
feedback_channel: ContextVar[str] = ContextVar("feedback_channel", default="staff")


def _case(call: ServiceCall) -> ServiceCase:
    case_id = call.params.get("case_id") or call.data.get("case_id")
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        raise ValueError(f"the process names no case (case_id={case_id!r})")
    return ServiceCase.objects.select_for_update().select_related("project", "enterprise").get(pk=case_id)


def _audit(action: str, case: ServiceCase, call: ServiceCall, **fields: Any) -> None:
    # Every handler's event is about its case, in the call's process.
    audit(action, call.actor, target_type="case", target_id=case.case_no, instance=call.instance, **fields)


def _set_stage(case: ServiceCase, stage: str, call: ServiceCall, *, audit_it: bool = True) -> None:
    before = case.stage
    if before == stage:
        return
    case.stage = stage
    case.save(update_fields=["stage", "updated_at"])
    if audit_it:
        _audit(Action.CASE_UPDATED, case, call, before={"stage": before}, after={"stage": stage})


def _failed(message_zh: str) -> dict[str, Any]:
    return {"ok": False, "error": message_zh}


def stage(call: ServiceCall) -> dict[str, Any]:
    case = _case(call)
    target = str(call.params.get("stage") or "")
    if target not in CaseStage.values:
        raise ValueError(f"unknown case stage {target!r}")
    _set_stage(case, target, call)
    return {"ok": True, "stage": target}


def review(call: ServiceCall) -> dict[str, Any]:
    """Intake reviewed: keep the operator's adjusted items and analysis, move on to matching."""
    case = _case(call)
    items = call.data.get("catalogue_items")
    keys = (
        [k for k in items if isinstance(k, str) and k in {i.key for i in catalogue.all_items()}]
        if isinstance(items, list)
        else []
    )
    summary = call.data.get("need_summary")
    if keys and keys != list(case.catalogue_items):
        before = list(case.catalogue_items)
        case.catalogue_items = keys
        case.save(update_fields=["catalogue_items", "updated_at"])
        _audit(
            Action.CASE_UPDATED,
            case,
            call,
            before={"catalogue_items": before},
            after={"catalogue_items": keys},
        )
    if isinstance(summary, str) and summary.strip():
        _audit(Action.CASE_UPDATED, case, call, after={"need_summary": summary.strip()[:2000]})
    _set_stage(case, CaseStage.MATCHING, call)
    return {"ok": True}


def _match_fields(call: ServiceCall) -> tuple[str, Any, str, str]:
    prefix = "office_" if call.params.get("by") == "office" else ""
    data = call.data
    outcome = data.get("office_outcome" if prefix else "outcome")
    note = data.get("office_note" if prefix else "matching_note")
    return (
        str(outcome or ""),
        data.get(f"{prefix}institution_id"),
        str(data.get(f"{prefix}expert") or "").strip()[:200],
        str(note or "").strip()[:1000],
    )


def match(call: ServiceCall) -> dict[str, Any]:
    """服务对接 done: the institution must exist and be active; an expert needs a name."""
    case = _case(call)
    outcome, institution_id, expert, note = _match_fields(call)
    institution = None
    if outcome == "institution":
        if isinstance(institution_id, bool) or not isinstance(institution_id, int):
            return _failed("请填写技术机构编号。")
        institution = TechnicalInstitution.objects.filter(pk=institution_id).first()
        if institution is None:
            return _failed(f"编号为 {institution_id} 的技术机构不存在，请核对后重新对接。")
        if not institution.active:
            return _failed(f"技术机构“{institution.name}”已停用，请选择其他机构。")
    elif outcome == "expert":
        if not expert:
            return _failed("请填写对接专家。")
    else:
        return _failed("请选择对接方式。")
    case.matched_institution = institution
    case.matched_expert = expert
    case.matching_note = note
    case.save(update_fields=["matched_institution", "matched_expert", "matching_note", "updated_at"])
    _audit(
        Action.CASE_MATCHED,
        case,
        call,
        after={
            "institution": institution.pk if institution else None,
            "institution_name": institution.name if institution else "",
            "expert": expert,
            "note": note,
            "by": call.params.get("by") or "operator",
        },
    )
    _set_stage(case, CaseStage.FOLLOW_UP, call, audit_it=False)
    return {"ok": True, "error": ""}


def request_help(call: ServiceCall) -> dict[str, Any]:
    case = _case(call)
    case.office_help_requested = True
    case.save(update_fields=["office_help_requested", "updated_at"])
    note = str(call.data.get("matching_note") or "").strip()[:1000]
    _audit(Action.CASE_UPDATED, case, call, after={"office_help_requested": True, "note": note})
    return {"ok": True}


def escalate(call: ServiceCall) -> dict[str, Any]:
    """The reminder fired. Only the first time brings the office in (a matching task re-opened
    after a refused entry re-arms the timer with the same, past, deadline)."""
    case = _case(call)
    if case.escalated_at is not None or not case.is_open:
        return {"first": False}
    case.escalated_at = timezone.now()
    case.save(update_fields=["escalated_at", "updated_at"])
    _audit(
        Action.CASE_ESCALATED,
        case,
        call,
        after={
            "escalated_at": case.escalated_at.isoformat(),
            "reminder_days": call.data.get("reminder_days"),
        },
    )
    return {"first": True}


def assist(call: ServiceCall) -> dict[str, Any]:
    case = _case(call)
    note = str(call.data.get("assist_note") or "").strip()[:1000]
    _audit(Action.CASE_UPDATED, case, call, after={"office_assist": note})
    return {"ok": True}


def _served_at(raw: Any) -> datetime | None:
    try:
        day = date.fromisoformat(str(raw))
    except ValueError:
        return None
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)


def record(call: ServiceCall) -> dict[str, Any]:
    """One follow-up service (服务跟进) written as a ServiceRecord."""
    case = _case(call)
    data = call.data
    served_at = _served_at(data.get("served_on"))
    if served_at is None:
        return _failed("请填写有效的服务时间。")
    if served_at.date() > timezone.now().astimezone(SHANGHAI).date():
        return _failed("服务时间不能晚于今天。")
    mode = str(data.get("mode") or "")
    service_class = str(data.get("service_class") or "")
    content = str(data.get("content") or "").strip()
    if mode not in ServiceMode.values or service_class not in ServiceClass.values or not content:
        return _failed("请填写服务方式、服务类别和服务内容。")
    # Only "other" is described; a description left in the data by an earlier record is not this one's.
    description = str(data.get("mode_description") or "").strip()[:300] if mode == ServiceMode.OTHER else ""
    if mode == ServiceMode.OTHER and not description:
        return _failed("服务方式为“其他”时，请说明服务方式。")
    row = ServiceRecord.objects.create(
        case=case,
        served_at=served_at,
        mode=mode,
        mode_description=description,
        service_class=service_class,
        content=content[:2000],
        recorded_by=call.actor,
    )
    _audit(
        Action.CASE_SERVICE_RECORDED,
        case,
        call,
        after={
            "record": row.pk,
            "served_on": served_at.date().isoformat(),
            "mode": mode,
            "mode_description": description,
            "service_class": service_class,
            "content": row.content,
        },
    )
    return {"ok": True, "error": "", "record": row.pk}


def feedback(call: ServiceCall) -> dict[str, Any]:
    case = _case(call)
    values, errors = clean_feedback(dict(call.data))
    if values is None:
        return _failed("；".join(e.message_zh for e in errors))
    case.rating = values.rating
    case.effects = values.effects
    case.effect_other = values.effect_other
    case.feedback_comment = values.feedback_comment
    case.new_jobs = values.new_jobs
    for name, amount in values.amounts.items():
        setattr(case, name, amount)
    case.save()
    _audit(
        Action.CASE_FEEDBACK_RECEIVED,
        case,
        call,
        after={
            "channel": feedback_channel.get(),
            "rating": values.rating,
            "effects": values.effects,
            "effect_other": values.effect_other,
            "new_jobs": values.new_jobs,
            **{name: (str(v) if v is not None else None) for name, v in values.amounts.items()},
        },
    )
    return {"ok": True, "error": ""}


def close(call: ServiceCall) -> dict[str, Any]:
    case = _case(call)
    before = case.stage
    case.stage = CaseStage.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["stage", "closed_at", "updated_at"])
    _audit(Action.CASE_CLOSED, case, call, before={"stage": before}, after={"stage": CaseStage.CLOSED})
    return {"ok": True}


HANDLERS = {
    "case_stage": stage,
    "case_review": review,
    "case_match": match,
    "case_request_help": request_help,
    "case_escalate": escalate,
    "case_assist": assist,
    "case_record": record,
    "case_feedback": feedback,
    "case_close": close,
}


def register() -> None:
    """Called from casemgmt.engine_bindings.install()."""
    for name, handler in HANDLERS.items():
        register_service_handler(name, handler, INFO.get(name))
