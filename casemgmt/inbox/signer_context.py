"""What the task page shows of 加签 and 抄送 (issue 17): the part an added signer signs and what
they sign, the task's added parts (with 减签 where allowed), the add-signers box, and the pickers
the completion form offers (后加签, 抄送)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from workflows import added_signers, registry, task_settings
from workflows.models import HeldCompletion, HumanTask


def _people(ids: list[int]) -> list[Any]:
    return list(get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name", "username"))


def signer_context(
    task: HumanTask, user: Any, may_work: bool, settings: task_settings.TaskSettings
) -> dict[str, Any]:
    """What the page shows of added signers and copies: the part an added signer signs, the
    task's added parts (with 减签 where allowed), the add-signers box, and the pickers the
    completion form offers (后加签, 抄送)."""
    # Only while a round is open: afterwards the parts are steps of the approval record.
    round_open = bool(task.awaiting) or task.status == HumanTask.Status.AWAITING
    parts = list(
        HumanTask.objects.filter(added_to_id=task.pk).select_related("assignee", "added_by").order_by("id")
        if round_open and task.added_to_id is None
        else []
    )
    # 减签: an untouched part, by whoever added it or holds the task.
    listed = [
        {
            "part": part,
            "removable": part.status == HumanTask.Status.OPEN
            and user.pk in (part.added_by_id, task.assignee_id),
        }
        for part in parts
    ]
    can_add = (
        may_work
        and settings.offers("add_signers")
        and task.countersign is None
        and task.added_to_id is None
        and not task.awaiting
        and task.owner_id is None
        and task.assignee_id == user.pk
    )
    signable = added_signers.candidates(task, user) if can_add else []
    return {
        "signing": task.added_to_id is not None,
        "can_sign": task.added_to_id is not None
        and task.status == HumanTask.Status.OPEN
        and task.assignee_id == user.pk,
        "added_parts": listed,
        "signers_box": {"people": signable} if signable else None,
        "after_signers": signable,
        "copy_people": _people([pk for pk in registry.directory().staff() if pk != user.pk])
        if may_work and settings.offers("copy")
        else [],
    }


def signed_data(part: HumanTask) -> dict[str, Any] | None:
    """What an added signer signs: the holder's held submission, once they made it."""
    held = HeldCompletion.objects.filter(task_id=part.added_to_id).first()
    return dict(held.data) if held is not None else None
