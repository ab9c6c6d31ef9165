"""Recording and correcting structured outcomes (the scorecard's 服务成效 evidence).

One transaction each; every refusal names the field and the reason in Chinese and English and
changes nothing. Outcomes are never deleted: a wrong one is corrected, with a reason, and the
audit trail keeps what it said before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from audit.actions import Action
from casemgmt.models import Enterprise, Outcome, OutcomeKind, ServiceCase, ServiceProject
from casemgmt.models.outcome import ENTERPRISE_OPTIONAL_KINDS, OUTCOME_SUBTYPES
from casemgmt.org.calendar import SHANGHAI
from casemgmt.org.scopes import may_see_case, may_see_outcome, may_see_project
from core.errors import FieldError, InvalidInput, NotFound
from core.service import Actor, acting_user, audit, require, write_transaction

# The fields a caller gives (and may correct); the project is fixed once recorded.
CORRECTABLE = (
    "kind",
    "subtype",
    "title",
    "obtained_on",
    "number",
    "issuer",
    "evidence_url",
    "enterprise",
    "case",
)
_MAX_LENGTHS = {"title": 300, "number": 100, "issuer": 200, "evidence_url": 200}
REASON_MAX = 1000


@dataclass
class _Draft:
    """The outcome's fields as given, before they are checked."""

    kind: Any = ""
    subtype: Any = ""
    title: Any = ""
    obtained_on: Any = None
    number: Any = ""
    issuer: Any = ""
    evidence_url: Any = ""
    enterprise: Any = None  # an Enterprise, a primary key or None
    case: Any = None  # a ServiceCase, a primary key or None


def record_outcome(
    *,
    actor: Actor,
    project: ServiceProject | int,
    kind: str,
    subtype: str,
    title: str,
    obtained_on: date | str | None,
    enterprise: Enterprise | int | None = None,
    case: ServiceCase | int | None = None,
    number: str = "",
    issuer: str = "",
    evidence_url: str = "",
) -> Outcome:
    """Record one outcome of `project`. Without an enterprise, the case's enterprise is taken."""
    with write_transaction():
        target = _visible_project(actor, project, case)
        require(actor, "casemgmt.record_outcome", target)
        draft = _Draft(kind, subtype, title, obtained_on, number, issuer, evidence_url, enterprise, case)
        outcome = Outcome(project=target, recorded_by=acting_user(actor))
        _apply(outcome, draft)
        outcome.save()
        audit(
            Action.OUTCOME_RECORDED,
            actor,
            target_type="outcome",
            target_id=outcome.pk,
            **_case_keys(outcome),
            after=snapshot(outcome),
        )
    return outcome


def correct_outcome(outcome_id: int, changes: dict[str, Any], actor: Actor, reason: str) -> Outcome:
    """Change some of an outcome's fields; `changes` maps field names of CORRECTABLE to new values."""
    with write_transaction():
        outcome = (
            Outcome.objects.select_for_update(of=("self",))
            .select_related("project__operator", "project__coordinating_office", "enterprise", "case")
            .filter(pk=outcome_id)
            .first()
        )
        if outcome is None or (actor is not None and not may_see_outcome(actor, outcome)):
            raise NotFound(f"Outcome {outcome_id} does not exist.", f"成果 {outcome_id} 不存在。")
        require(actor, "casemgmt.correct_outcome", outcome)
        errors = _check_changes(changes, reason)
        if errors:
            raise _invalid(errors)
        before = snapshot(outcome)
        draft = _Draft(**{**_draft_of(outcome).__dict__, **changes})
        _apply(outcome, draft)
        after = snapshot(outcome)
        changed = [name for name in before if before[name] != after[name]]
        if not changed:
            raise InvalidInput(
                "The correction changes nothing.",
                "更正内容与原记录相同。",
                code="unchanged",
            )
        outcome.save()
        audit(
            Action.OUTCOME_CORRECTED,
            actor,
            target_type="outcome",
            target_id=outcome.pk,
            **_case_keys(outcome),
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            reason=reason.strip(),
        )
    return outcome


def snapshot(outcome: Outcome) -> dict[str, Any]:
    """The outcome as plain JSON values (what the audit trail stores)."""
    return {
        "project": outcome.project_id,
        "kind": outcome.kind,
        "subtype": outcome.subtype,
        "title": outcome.title,
        "obtained_on": outcome.obtained_on.isoformat() if outcome.obtained_on else None,
        "number": outcome.number,
        "issuer": outcome.issuer,
        "evidence_url": outcome.evidence_url,
        "enterprise": outcome.enterprise_id,
        "case": outcome.case_id,
    }


# --- checks --------------------------------------------------------------------------------


def _visible_project(actor: Actor, project: ServiceProject | int, case: Any) -> ServiceProject:
    """The project, if the actor sees it, or sees the case given (an enterprise user sees their own
    cases but no project): then a refusal is a 403, not a 404."""
    pk = project.pk if isinstance(project, ServiceProject) else project
    found = (
        ServiceProject.objects.select_related("operator", "coordinating_office").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if found is None or (
        actor is not None and not may_see_project(actor, found) and not _sees(actor, case, found)
    ):
        raise NotFound(f"Service project {pk} does not exist.", f"服务项目 {pk} 不存在。")
    return found


def _sees(actor: Actor, case: Any, project: ServiceProject) -> bool:
    pk = case.pk if isinstance(case, ServiceCase) else case
    if not isinstance(pk, int) or isinstance(pk, bool):
        return False
    found = ServiceCase.objects.filter(pk=pk, project=project).first()
    return found is not None and may_see_case(actor, found)


def _draft_of(outcome: Outcome) -> _Draft:
    return _Draft(
        outcome.kind,
        outcome.subtype,
        outcome.title,
        outcome.obtained_on,
        outcome.number,
        outcome.issuer,
        outcome.evidence_url,
        outcome.enterprise_id,
        outcome.case_id,
    )


def _check_changes(changes: dict[str, Any], reason: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    if not isinstance(reason, str) or not reason.strip():
        errors.append(FieldError("reason", "required", "更正须说明理由。", "A correction needs a reason."))
    elif len(reason) > REASON_MAX:
        errors.append(_too_long("reason", REASON_MAX))
    unknown = sorted(set(changes) - set(CORRECTABLE))
    for name in unknown:
        errors.append(
            FieldError(
                name,
                "not_correctable",
                f"字段 {name} 不可更正（服务项目不可更改）。",
                f"The field {name} cannot be corrected (the project is fixed).",
            )
        )
    if not changes:
        errors.append(FieldError("changes", "required", "请给出要更正的内容。", "Say what to correct."))
    return errors


def _apply(outcome: Outcome, draft: _Draft) -> None:
    """Check every field of the draft and set them on `outcome`; raise InvalidInput on any error."""
    errors: list[FieldError] = []
    kind = draft.kind if isinstance(draft.kind, str) else ""
    if kind not in OutcomeKind.values:
        errors.append(FieldError("kind", "invalid_choice", "请选择成果类别。", "Choose a kind of outcome."))
    elif not isinstance(draft.subtype, str) or draft.subtype not in OUTCOME_SUBTYPES.get(kind, {}):
        errors.append(
            FieldError(
                "subtype",
                "wrong_kind",
                "该子类不属于所选的成果类别。",
                "This subtype does not belong to the kind chosen.",
            )
        )
    texts = {name: _text(getattr(draft, name)) for name in ("title", "number", "issuer", "evidence_url")}
    if not texts["title"]:
        errors.append(FieldError("title", "required", "请填写成果名称。", "Give the outcome's title."))
    for name, limit in _MAX_LENGTHS.items():
        if len(texts[name]) > limit:
            errors.append(_too_long(name, limit))
    if kind == OutcomeKind.CERTIFICATE and not texts["number"]:
        errors.append(
            FieldError(
                "number", "required", "证书或报告须填写编号。", "A certificate or report needs its number."
            )
        )
    if texts["evidence_url"]:
        try:
            URLValidator(schemes=["http", "https"])(texts["evidence_url"])
        except ValidationError:
            errors.append(
                FieldError(
                    "evidence_url",
                    "invalid",
                    "证明材料链接无效。",
                    "The evidence link is not a valid web address.",
                )
            )
    obtained_on = _check_date(draft.obtained_on, errors)
    enterprise = _lookup(Enterprise, draft.enterprise, "enterprise", "企业", "Enterprise", errors)
    case = _lookup(ServiceCase, draft.case, "case", "办件", "Service case", errors)
    if case is not None:
        if case.project_id != outcome.project_id:
            errors.append(
                FieldError(
                    "case",
                    "other_project",
                    "该办件属于其他服务项目。",
                    "The case belongs to another project.",
                )
            )
        if enterprise is None and draft.enterprise in (None, ""):
            enterprise = case.enterprise
        elif enterprise is not None and case.enterprise_id != enterprise.pk:
            errors.append(
                FieldError(
                    "case",
                    "other_enterprise",
                    "该办件属于其他企业。",
                    "The case belongs to another enterprise.",
                )
            )
    if enterprise is None and kind not in ENTERPRISE_OPTIONAL_KINDS and not _named(errors, "enterprise"):
        errors.append(
            FieldError(
                "enterprise",
                "required",
                "此类成果须关联企业。",
                "This kind of outcome belongs to an enterprise.",
            )
        )
    if errors:
        raise _invalid(errors)
    outcome.kind = kind
    outcome.subtype = draft.subtype
    outcome.title = texts["title"]
    outcome.number = texts["number"]
    outcome.issuer = texts["issuer"]
    outcome.evidence_url = texts["evidence_url"]
    outcome.obtained_on = obtained_on  # type: ignore[assignment]  # checked above
    outcome.enterprise = enterprise
    outcome.case = case


def _check_date(value: Any, errors: list[FieldError]) -> date | None:
    day: date | None = None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and value.strip():
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            errors.append(
                FieldError(
                    "obtained_on", "invalid", "日期格式应为 YYYY-MM-DD。", "Give the date as YYYY-MM-DD."
                )
            )
            return None
    if day is None:
        errors.append(FieldError("obtained_on", "required", "请填写取得日期。", "Give the date obtained."))
    elif day > timezone.localtime(timezone.now(), SHANGHAI).date():
        errors.append(
            FieldError("obtained_on", "future", "取得日期不能晚于今天。", "The date cannot be in the future.")
        )
    return day


def _lookup(
    model: type[Any], value: Any, field: str, name_zh: str, name_en: str, errors: list[FieldError]
) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value
    pk = value if isinstance(value, int) and not isinstance(value, bool) else None
    if pk is None and isinstance(value, str) and value.isdigit():
        pk = int(value)
    found = model.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        errors.append(FieldError(field, "does_not_exist", f"{name_zh}不存在。", f"{name_en} does not exist."))
    return found


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _named(errors: list[FieldError], field: str) -> bool:
    return any(error.field == field for error in errors)


def _too_long(field: str, limit: int) -> FieldError:
    return FieldError(
        field,
        "too_long",
        f"不能超过 {limit} 个字符。",
        f"At most {limit} characters.",
        extra={"limit": limit},
    )


def _invalid(errors: list[FieldError]) -> InvalidInput:
    return InvalidInput("Some fields are invalid.", "部分字段填写有误。", fields=errors)


def _case_keys(outcome: Outcome) -> dict[str, Any]:
    """The process an outcome's audit events belong to: its case's, when it has one."""
    case = outcome.case
    if case is None:
        return {}
    return {"business_key": case.case_no, "instance_id": case.instance_id}
