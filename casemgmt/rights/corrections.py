"""Correction requests (更正申请): an enterprise user asks for one registered contact detail to be
corrected; the enterprise's own staff decide in the `personal_data_correction` process.

The values asked for become an EnterpriseChangeProposal (no case), the same object an intake's
differing details become, so that deciding and applying go through the one enterprise-change
service (casemgmt.registry.enterprise_changes: accept_proposal → update_enterprise, each audited).
The request row says who asked and why, and links the process instance.

Who reviews: the staff who may change the enterprise's master data
(casemgmt.registry.enterprises.changeable_enterprises), so that an approval can be applied: the
operator of its home project (the project of its first case) when it has a case, else the office
of the division it is registered in, else the district reviewers. The process's org unit is that
operator's, division's or the district's, and its lanes resolve from there.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from audit.actions import Action
from casemgmt.cases.validation import MAX_REASON, phone, required_text
from casemgmt.org.lanes import DISTRICT_CODE
from casemgmt.registry.enterprise_changes import LABELS
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.service import audit, write_transaction
from workflows import instances

from ..models import CorrectionRequest, Enterprise, EnterpriseChangeProposal, ProposalStatus, ServiceCase
from .holdings import CORRECTABLE, own_enterprises

PROCESS_KEY = "personal_data_correction"
MAX_LENGTHS = {"contact_name": 100, "address": 300}


def _not_found(credit_code: Any) -> NotFound:
    return NotFound(
        f"Enterprise {str(credit_code)[:18]} does not exist.", f"企业 {str(credit_code)[:18]} 不存在。"
    )


def _field(raw: Any, errors: list[FieldError]) -> str:
    field = raw.strip() if isinstance(raw, str) else ""
    if field not in CORRECTABLE:
        errors.append(
            FieldError("field", "invalid", "请选择要更正的信息项。", "Choose the detail to correct.")
        )
        return ""
    return field


def _value(field: str, raw: Any, errors: list[FieldError]) -> str:
    if field == "phone":
        return phone("value", raw, errors)
    if field in MAX_LENGTHS:
        label = LABELS[field][0]
        return required_text("value", raw, MAX_LENGTHS[field], f"更正后的{label}", errors)
    return ""


def clean(enterprise: Enterprise, field: Any, value: Any, note: Any) -> tuple[str, str, str]:
    """(field, corrected value, note), every problem reported at once."""
    errors: list[FieldError] = []
    name = _field(field, errors)
    corrected = _value(name, value, errors) if name else ""
    text = required_text("note", note if note is not None else "", MAX_REASON, "说明", errors, optional=True)
    if name and corrected and corrected == str(getattr(enterprise, name) or ""):
        errors.append(
            FieldError(
                "value", "unchanged", "与现登记的信息相同，无需更正。", "This is what is registered already."
            )
        )
    if errors:
        raise InvalidInput(
            "The correction request has errors.", "更正申请填写有误，请检查后重新提交。", fields=errors
        )
    return name, corrected, text


def reviewer_unit(enterprise: Enterprise) -> tuple[str, str]:
    """("operator" or "office", the org unit the process runs in): who decides, see the module."""
    first = (
        ServiceCase.objects.filter(enterprise=enterprise)
        .order_by("submitted_at", "pk")
        .values_list("project__operator__code", flat=True)
        .first()
    )
    if first:
        return "operator", first
    if enterprise.division is not None:
        return "office", enterprise.division.code
    return "office", DISTRICT_CODE


def _pending(enterprise: Enterprise, field: str) -> bool:
    return CorrectionRequest.objects.filter(
        Q(proposal__proposed__has_key=field),
        enterprise=enterprise,
        proposal__status=ProposalStatus.PENDING,
    ).exists()


def request_correction(
    user: Any, credit_code: Any, field: Any, value: Any, note: Any = ""
) -> CorrectionRequest:
    """File the request and start its process (one transaction). Another enterprise's code (or
    none) is NotFound, as if it did not exist; a field already awaiting a decision is Conflict."""
    code = credit_code.strip().upper() if isinstance(credit_code, str) else ""
    with write_transaction():
        enterprise = (
            own_enterprises(user)
            .select_for_update(of=("self",))
            .select_related("division")
            .filter(credit_code=code)
            .first()
        )
        if enterprise is None:
            raise _not_found(credit_code)
        name, corrected, text = clean(enterprise, field, value, note)
        if _pending(enterprise, name):
            raise Conflict(
                "A correction of this detail is already awaiting a decision.",
                "该信息项已有待审核的更正申请。",
                code="correction_pending",
                fields=[
                    FieldError("field", "pending", "已有待审核的更正申请", "a request awaits a decision")
                ],
            )
        current = str(getattr(enterprise, name) or "")
        proposal = EnterpriseChangeProposal.objects.create(
            enterprise=enterprise, proposed={name: corrected}, current={name: current}
        )
        request = CorrectionRequest.objects.create(
            enterprise=enterprise, proposal=proposal, requested_by=user, note=text
        )
        route, unit = reviewer_unit(enterprise)
        # Started as the system: enterprise users start no process themselves; who asked is the
        # request's, and the audit event below names them.
        instance = instances.start_instance(
            PROCESS_KEY,
            actor=None,
            data={
                "request_id": request.pk,
                "reviewer": route,
                "enterprise_name": enterprise.name,
                "credit_code": enterprise.credit_code,
                "field": name,
                "field_label": LABELS[name][0],
                "current_value": current or "（未登记）",
                "requested_value": corrected,
                "note": text or "（无）",
            },
            business_key=f"更正-{request.pk}",
            subject=enterprise.name,
            org_unit_code=unit,
        )
        request.instance = instance
        request.save(update_fields=["instance"])
        audit(
            Action.ENTERPRISE_CHANGE_PROPOSED,
            user,
            target_type="enterprise",
            target_id=enterprise.credit_code,
            instance=instance,
            before={name: current},
            after={
                "proposal": proposal.pk,
                "correction_request": request.pk,
                "proposed": {name: corrected},
                "note": text,
            },
        )
    return request
