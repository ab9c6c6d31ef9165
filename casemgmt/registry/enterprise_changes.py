"""Changes to an enterprise's master data that an intake proposed, and their acceptance or rejection.

An intake (online, at the window, through the API) never writes an existing enterprise: a credit
code is public, so the request proves nothing about who sent it. Every field it typed differently
from the master data becomes one proposal (per case), which the enterprise's own staff
(casemgmt.registry_change_enterprise: the area it belongs to, not whoever filed the case) accept
or reject, each decision audited. Accepting applies the values through update_enterprise, so the
master data changes in one place only (ENTERPRISE_UPDATED audited there, ENTERPRISE_CHANGE_ACCEPTED
here). A proposal whose "values when proposed" no longer match the master data is stale: someone
changed the enterprise since, and accepting it needs an explicit confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from audit.actions import Action
from casemgmt.cases.validation import MAX_REASON, required_text
from casemgmt.models import Enterprise, EnterpriseChangeProposal, ServiceCase
from casemgmt.registry.enterprises import update_enterprise
from core.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from core.service import Actor, acting_user, allowed, audit, require, write_transaction
from workflows.models import ProcessInstance

# The master-data fields an intake may propose, in the order they are shown.
PROPOSAL_FIELDS = ("name", "contact_name", "phone", "address", "size_class", "industry")
LABELS = {
    "name": ("企业名称", "enterprise name"),
    "contact_name": ("联系人", "contact person"),
    "phone": ("联系电话", "contact phone"),
    "address": ("企业地址", "enterprise address"),
    "size_class": ("企业规模", "size class"),
    "industry": ("行业", "industry"),
}
VIEW = "casemgmt.registry_view_enterprise"
DECIDE = "casemgmt.registry_change_enterprise"


def propose_from_intake(
    enterprise: Enterprise,
    case: ServiceCase,
    typed: dict[str, Any],
    *,
    actor: Actor,
    instance: ProcessInstance | None = None,
) -> EnterpriseChangeProposal | None:
    """The proposal for the fields `typed` (cleaned, non-empty) gives differently from the master
    data, or None when nothing differs. Runs inside the intake's transaction; audited."""
    proposed = {
        field: str(typed[field])
        for field in PROPOSAL_FIELDS
        if typed.get(field) and str(typed[field]) != str(getattr(enterprise, field) or "")
    }
    if not proposed:
        return None
    current = {field: str(getattr(enterprise, field) or "") for field in proposed}
    proposal = EnterpriseChangeProposal.objects.create(
        enterprise=enterprise, case=case, proposed=proposed, current=current
    )
    audit(
        Action.ENTERPRISE_CHANGE_PROPOSED,
        actor,
        target_type="enterprise",
        target_id=enterprise.credit_code,
        instance=instance,
        before=current,
        after={"proposal": proposal.pk, "case": case.case_no, "proposed": proposed},
    )
    return proposal


def stale_fields(proposal: EnterpriseChangeProposal, enterprise: Enterprise | None = None) -> list[str]:
    """The proposal's fields whose master value changed since it was proposed."""
    master = enterprise or proposal.enterprise
    return [
        field
        for field, then in proposal.current.items()
        if str(getattr(master, field, "") or "") != str(then or "")
    ]


@dataclass(frozen=True)
class FieldChange:
    field: str
    then: str  # the master value when proposed
    proposed: str
    now: str  # the master value now
    stale: bool


def field_changes(
    proposal: EnterpriseChangeProposal, enterprise: Enterprise | None = None
) -> list[FieldChange]:
    master = enterprise or proposal.enterprise
    out = []
    for field in PROPOSAL_FIELDS:
        if field not in proposal.proposed:
            continue
        then = str(proposal.current.get(field, "") or "")
        now = str(getattr(master, field, "") or "")
        out.append(FieldChange(field, then, str(proposal.proposed[field]), now, now != then))
    return out


def visible_proposals(enterprise: Enterprise, user: Any) -> QuerySet[EnterpriseChangeProposal]:
    """The enterprise's proposals the user may read: all of them for whoever decides them, else
    (a reader such as the auditor, or another project's staff) those of cases they may see.
    The caller has already checked casemgmt.registry_view_enterprise."""
    found = (
        EnterpriseChangeProposal.objects.filter(enterprise=enterprise)
        .select_related("case__project__operator", "case__enterprise__org_unit", "decided_by")
        .order_by("-created_at", "-pk")
    )
    if user.has_perm(DECIDE, enterprise):
        return found
    readable = [p.pk for p in found if p.case is None or user.has_perm("cases.view_case", p.case)]
    return found.filter(pk__in=readable)


def _not_found(proposal_id: Any) -> NotFound:
    return NotFound(f"Change proposal {proposal_id} does not exist.", f"变更申请 {proposal_id} 不存在。")


def _locked(credit_code: str, proposal_id: int, actor: Actor) -> EnterpriseChangeProposal:
    """The pending proposal, locked; NotFound where the actor may not see the enterprise (as if it
    did not exist), PermissionDenied where they see it but may not decide, Conflict once decided."""
    proposal = (
        EnterpriseChangeProposal.objects.select_for_update(of=("self",))
        .select_related("enterprise__division", "case")
        .filter(pk=proposal_id, enterprise__credit_code=(credit_code or "").strip().upper())
        .first()
    )
    if acting_user(actor) is None:
        # guard.allowed lets actor None (the system) do anything; a decision needs a person.
        raise PermissionDenied("Sign in to decide change proposals.", "请登录后处理变更申请。")
    if proposal is None or not allowed(actor, VIEW, proposal.enterprise):
        raise _not_found(proposal_id)
    require(actor, DECIDE, proposal.enterprise)
    if proposal.status != EnterpriseChangeProposal.Status.PENDING:
        raise Conflict(
            "This change proposal has already been decided.",
            "该变更申请已处理。",
            code="proposal_decided",
        )
    return proposal


def _reason(raw: Any, *, required: bool) -> str:
    errors: list[FieldError] = []
    text = required_text(
        "reason", raw if raw is not None else "", MAX_REASON, "原因", errors, optional=not required
    )
    if errors:
        raise InvalidInput("The reason is not valid.", "原因填写有误。", fields=errors)
    return text


def _decided(proposal: EnterpriseChangeProposal, status: str, actor: Actor, reason: str) -> None:
    proposal.status = status
    proposal.decided_by = acting_user(actor)
    proposal.decided_at = timezone.now()
    proposal.reason = reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "reason"])


def accept_proposal(
    credit_code: str, proposal_id: int, *, actor: Actor, reason: Any = "", confirm_stale: bool = False
) -> EnterpriseChangeProposal:
    """Apply the proposed values to the master data (one transaction). A stale proposal is refused
    (409 proposal_stale, the changed fields named) unless confirm_stale says the decider saw it."""
    with write_transaction():
        proposal = _locked(credit_code, proposal_id, actor)
        # Checked after the permission: who may not decide learns nothing from their input's errors.
        text = _reason(reason, required=False)
        # Locked before the staleness check, so nobody changes the row between check and write.
        enterprise = (
            Enterprise.objects.select_for_update(of=("self",))
            .select_related("division")
            .get(pk=proposal.enterprise_id)
        )
        stale = stale_fields(proposal, enterprise)
        if stale and not confirm_stale:
            raise Conflict(
                "The enterprise details changed after this proposal was made; check them and confirm.",
                "该变更申请提出后企业信息已被修改，请核对后确认。",
                code="proposal_stale",
                fields=[
                    FieldError(
                        field,
                        "stale",
                        f"{LABELS[field][0]}已被修改",
                        f"the {LABELS[field][1]} has changed since",
                    )
                    for field in stale
                ],
            )
        update_enterprise(enterprise, dict(proposal.proposed), actor=actor)
        _decided(proposal, EnterpriseChangeProposal.Status.ACCEPTED, actor, text)
        audit(
            Action.ENTERPRISE_CHANGE_ACCEPTED,
            actor,
            target_type="enterprise",
            target_id=enterprise.credit_code,
            before={"proposal": proposal.pk, "status": "pending", "values": proposal.current},
            after={
                "proposal": proposal.pk,
                "status": "accepted",
                "applied": proposal.proposed,
                "stale": stale,
            },
            reason=text,
        )
    return proposal


def reject_proposal(
    credit_code: str, proposal_id: int, *, actor: Actor, reason: Any
) -> EnterpriseChangeProposal:
    """Leave the master data as it is; the reason is required."""
    with write_transaction():
        proposal = _locked(credit_code, proposal_id, actor)
        text = _reason(reason, required=True)
        _decided(proposal, EnterpriseChangeProposal.Status.REJECTED, actor, text)
        audit(
            Action.ENTERPRISE_CHANGE_REJECTED,
            actor,
            target_type="enterprise",
            target_id=proposal.enterprise.credit_code,
            before={"proposal": proposal.pk, "status": "pending"},
            after={"proposal": proposal.pk, "status": "rejected", "proposed": proposal.proposed},
            reason=text,
        )
    return proposal
