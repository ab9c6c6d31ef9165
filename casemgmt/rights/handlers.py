"""The service task of personal_data_correction.bpmn: the reviewer's decision applied.

It runs in the engine's turn, as the person who completed the review (call.actor), so that the
enterprise-change service checks their right to change the enterprise and records them in the
audit trail: approve → accept_proposal (update_enterprise, ENTERPRISE_UPDATED and
ENTERPRISE_CHANGE_ACCEPTED), reject → reject_proposal (ENTERPRISE_CHANGE_REJECTED), the review
comment as the reason. The enterprise asked for exactly this value, so a master value changed
meanwhile does not stop the approval (confirm_stale); the accepted event says it was stale.

A proposal that staff already decided on the enterprise's registry page is left as decided:
the process ends with that outcome instead of failing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from casemgmt.registry.enterprise_changes import accept_proposal, reject_proposal
from core.errors import Conflict
from workflows.registry import HandlerInfo, HandlerParam, ServiceCall, register_service_handler

from ..models import CorrectionRequest

APPROVE = "approve"


def decide(call: ServiceCall) -> dict[str, Any]:
    request_id = call.params.get("request_id", call.data.get("request_id"))
    if not isinstance(request_id, int) or isinstance(request_id, bool):
        raise ValueError(f"the process names no correction request (request_id={request_id!r})")
    request = CorrectionRequest.objects.select_related("enterprise").get(pk=request_id)
    comment = str(call.data.get("comment") or "").strip()
    code = request.enterprise.credit_code
    try:
        if call.data.get("decision") == APPROVE:
            accept_proposal(code, request.proposal_id, actor=call.actor, reason=comment, confirm_stale=True)
        else:
            reject_proposal(code, request.proposal_id, actor=call.actor, reason=comment)
    except Conflict as refusal:
        if refusal.code != "proposal_decided":
            raise
    request.proposal.refresh_from_db()
    return {"outcome": request.proposal.status}


INFO = HandlerInfo(
    label=_("Decide a personal data correction"),
    description=_(
        "Applies the reviewer's decision on an enterprise's correction request: approved, the "
        "registered detail is corrected through the enterprise-change service; rejected, it stays."
    ),
    params=(
        HandlerParam(
            name="request_id",
            type="int",
            description=_("The correction request: normally the process variable request_id."),
        ),
    ),
)
HANDLER = "correction_decide"


def register() -> None:
    """Called from casemgmt.engine_bindings.install()."""
    register_service_handler(HANDLER, decide, INFO)
