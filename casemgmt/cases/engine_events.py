"""Keeping a case in step when its process instance is ended outside the case pages."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from audit.actions import Action
from core.service import acting_user, audit
from workflows.models import ProcessInstance
from workflows.signals import instance_terminated

from ..models import CaseStage, ServiceCase


@receiver(instance_terminated, sender=ProcessInstance)
def cancel_the_case_of_a_terminated_instance(
    sender: type[ProcessInstance], instance: ProcessInstance, actor: Any, reason: str, **_: Any
) -> None:
    """Ending a case's instance from the board or instance administration cancels the case:
    otherwise it would sit in an open stage with no task anyone could work."""
    case = ServiceCase.objects.select_for_update().filter(instance_id=instance.pk).first()
    if case is None or not case.is_open:
        return  # not a service case, or the case pages already ended it (withdrawal, cancellation)
    before = case.stage
    case.stage = CaseStage.CANCELLED
    case.end_reason = reason
    case.save(update_fields=["stage", "end_reason", "updated_at"])
    audit(
        Action.CASE_CANCELLED,
        acting_user(actor),
        target_type="case",
        target_id=case.case_no,
        instance=instance,
        before={"stage": before},
        after={"stage": CaseStage.CANCELLED},
        reason=reason,
    )
