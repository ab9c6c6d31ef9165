"""What the public pages do for an enterprise that is not signed in.

The case number together with the contact phone is the authorisation here (actor None below):
whoever knows both is treated as the enterprise. A wrong number and a wrong phone give the same
answer, so the pair cannot be probed one half at a time.
"""

from __future__ import annotations

from typing import Any

from audit.actions import Action
from core.errors import Conflict, InvalidInput, NotFound
from core.service import audit, write_transaction
from workflows import human_tasks
from workflows.guard import task_summary
from workflows.models import HumanTask

from ..models import CaseStage, ServiceCase
from . import lifecycle
from .feedback import clean_feedback, form_data
from .handlers import feedback_channel
from .lookup import find_case_for_enterprise

FEEDBACK_TASK = "feedback"


def _not_found() -> NotFound:
    return NotFound(
        "No case matches this case number and phone number.", "没有与该办件编号和联系电话相符的办件。"
    )


def _case(case_no: str, phone: str) -> ServiceCase:
    case = find_case_for_enterprise(case_no, phone)
    if case is None:
        raise _not_found()
    return case


def submit_feedback_online(case_no: str, phone: str, data: dict[str, Any]) -> ServiceCase:
    """The enterprise's own feedback: completes the open feedback task on its behalf."""
    case = _case(case_no, phone)
    values, errors = clean_feedback(data if isinstance(data, dict) else {})
    if values is None:
        raise InvalidInput("The feedback has errors.", "反馈填写有误，请检查后重新提交。", fields=errors)
    with write_transaction():
        # Not locked here: complete() locks the instance, then the handler the case (one order).
        locked = ServiceCase.objects.get(pk=case.pk)
        task = (
            HumanTask.objects.filter(
                instance_id=locked.instance_id, task_spec=FEEDBACK_TASK, status=HumanTask.Status.OPEN
            ).first()
            if locked.instance_id is not None
            else None
        )
        if locked.stage != CaseStage.FEEDBACK or task is None:
            raise Conflict(
                "This case is not waiting for feedback.", "该办件当前不在服务反馈阶段。", code="case_state"
            )
        if task.assignee_id is not None:
            _release_for_enterprise(task)
        token = feedback_channel.set("online")
        try:
            # actor None: authorised by case number and phone above; the schema still checks the data.
            human_tasks.complete(task.pk, actor=None, data=form_data(values))
        finally:
            feedback_channel.reset(token)
        locked.refresh_from_db()
        return locked


def _release_for_enterprise(task: HumanTask) -> None:
    """The enterprise answers for itself: a colleague's claim on the feedback task must not
    block it (the claim only said who would record the feedback on the enterprise's behalf)."""
    before = task_summary(task)
    HumanTask.objects.filter(pk=task.pk).update(assignee=None, claimed_at=None, claimed_by=None)
    task.refresh_from_db()
    audit(
        Action.TASK_UNCLAIMED,
        None,
        target_type="task",
        target_id=task.pk,
        instance=task.instance,
        before=before,
        after=task_summary(task),
        reason="企业在线提交服务反馈",
    )


def withdraw_online(case_no: str, phone: str, reason: str) -> ServiceCase:
    case = _case(case_no, phone)
    return lifecycle.withdraw_case(case.pk, actor=None, reason=reason)
