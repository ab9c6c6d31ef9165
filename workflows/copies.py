"""抄送 (copy-to): when a task is completed, its instance is copied to readers: those its model
declares (the `copyTo` property: user names or `role@org-unit` groups) and those the person
completing it chose, if the model offers `copy`. A copy lets its recipient read the instance
(casemgmt.rules: view_instance, view_task) and appears in their 抄送我的 list; the notifications
app tells them from the task.copied event."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from audit.actions import Action
from core.errors import InvalidInput
from core.service import Actor, audit

from . import registry
from .models import HumanTask, ProcessInstance, TaskCopy
from .task_settings import TaskSettings

logger = logging.getLogger(__name__)

MAX_CHOSEN = 20


def _refused(code: str, chinese: str, english: str) -> InvalidInput:
    return InvalidInput.on_field("copy_to", code, chinese, english)


def chosen(settings: TaskSettings, usernames: Sequence[Any], user: Any) -> list[str]:
    """The recipients someone completing a task chose, checked: the model must offer `copy`, and
    each must be an active member of staff other than themselves. Costs nothing when none."""
    if not usernames:
        return []
    if not settings.offers("copy"):
        raise _refused("not_offered", "该任务不提供抄送", "this task offers no copy-to")
    if not all(isinstance(name, str) and 0 < len(name) <= 150 for name in usernames):
        raise _refused("invalid", "抄送人须为用户名列表", "a list of user names")
    names = sorted(set(usernames))
    if len(names) > MAX_CHOSEN:
        raise _refused("too_many", f"抄送人不能超过 {MAX_CHOSEN} 个", f"at most {MAX_CHOSEN} recipients")
    if getattr(user, "get_username", lambda: None)() in names:
        raise _refused("self", "不能抄送给自己", "not to yourself")
    found = dict(
        get_user_model().objects.filter(username__in=names, is_active=True).values_list("username", "pk")
    )
    staff = set(registry.directory().staff())
    unknown = [name for name in names if found.get(name) not in staff]
    if unknown:
        raise _refused(
            "not_staff", f"不是可抄送的办理人员：{'、'.join(unknown)}", f"not staff: {', '.join(unknown)}"
        )
    return names


def _declared(entries: Iterable[str]) -> tuple[set[int], list[str]]:
    """The user ids a model's copyTo names, and the entries that name nobody."""
    directory = registry.directory()
    ids: set[int] = set()
    names = [entry for entry in entries if "@" not in entry]
    found = dict(
        get_user_model().objects.filter(username__in=names, is_active=True).values_list("username", "pk")
    )
    unknown = [name for name in names if name not in found]
    ids.update(found.values())
    for group in (entry for entry in entries if "@" in entry):
        members = directory.members_of(group)
        if not members:
            unknown.append(group)
        ids.update(members)
    return ids, unknown


def send(
    row: HumanTask, instance: ProcessInstance, settings: TaskSettings, chosen_names: list[str], actor: Actor
) -> None:
    """Copy `row`'s instance to its declared and chosen readers (not to whoever completed it).
    Nothing is read or written for a task that has neither."""
    if not settings.copy_to and not chosen_names:
        return
    declared, unknown = _declared(settings.copy_to)
    if unknown:
        logger.warning("task %s: copyTo names nobody: %s", row.pk, ", ".join(unknown))
    picked = set(get_user_model().objects.filter(username__in=chosen_names).values_list("pk", flat=True))
    recipients = (declared | picked) - {row.completed_by_id}
    if not recipients:
        return
    now = timezone.now()
    TaskCopy.objects.bulk_create(
        [
            TaskCopy(
                instance=instance,
                task=row,
                recipient_id=uid,
                sent_by_id=row.completed_by_id,
                chosen=uid in picked,
                created_at=now,
            )
            for uid in sorted(recipients)
        ],
        ignore_conflicts=True,  # a task completed again after a return copies to each reader once
    )
    usernames = sorted(get_user_model().objects.filter(pk__in=recipients).values_list("username", flat=True))
    audit(
        Action.TASK_COPIED,
        actor,
        target_type="task",
        target_id=row.pk,
        instance=instance,
        after={
            "recipients": usernames,
            "chosen": sorted(chosen_names),
            **({"unknown": unknown} if unknown else {}),
        },
    )


def copies_for(user: Any) -> QuerySet[TaskCopy]:
    """抄送我的: the copies sent to `user`, newest first."""
    return TaskCopy.objects.filter(recipient_id=user.pk).select_related(
        "task", "sent_by", "instance__version__process_model"
    )


def copied_to(user: Any, instance: ProcessInstance) -> bool:
    return TaskCopy.objects.filter(instance=instance, recipient_id=getattr(user, "pk", None)).exists()


def mark_read(user: Any, instance: ProcessInstance) -> None:
    """The reader opened the instance: its copies to them are read."""
    TaskCopy.objects.filter(instance=instance, recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
