"""加签 / 减签: people added to sign a task besides its holder. Their parts live in the human-task
layer only (rows with `added_to`, no Spiff task of their own); the engine moves on when the
task's round of added signers is settled.

- 前加签 (`before`): they sign first; the task then comes back to its holder, who completes it.
- 后加签 (`after`): chosen when completing; the submission is held (HeldCompletion) and the
  engine runs it when the last of them has signed.
- 并加签 (`parallel`): they sign alongside the holder; whichever of them is last moves it on
  (a holder who submits first has their submission held).

A 不同意 from an added signer, once the holder's submission is held, sends the task back to the
holder (the held submission is dropped, the other open parts cancelled); before that, the
holder reads it before deciding. 减签 cancels an added part nobody has acted on. Signers are the
staff of the task's org unit and of the units above it (registry.Directory.signers_for), never
the holder. Every operation locks the task's row and its instance first, so concurrent
signatures and removals are serialised and exactly one of two conflicting ones wins.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.actions import Action
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, in_chinese
from core.service import Actor, acting_user, audit, require, write_transaction

from . import completion, registry, resubmit, rows, task_settings
from .guard import task_summary
from .holding import awaiting_conflict, hold_open_task
from .models import HeldCompletion, HumanTask, ProcessInstance

Mode = HumanTask.AddedMode
MAX_SIGNERS = 10


def _not_offered() -> InvalidInput:
    return InvalidInput("This task does not offer adding signers.", "该任务不提供加签。", code="not_offered")


def _refused(code: str, chinese: str, english: str) -> InvalidInput:
    return InvalidInput.on_field("signers", code, chinese, english)


def candidates(task: HumanTask, user: Any) -> list[Any]:
    """Whom `user` may add as signers to `task`: the staff of its unit and the units above, but
    themselves and those already signing it."""
    taken = set(open_parts(task).values_list("assignee_id", flat=True)) | {user.pk}
    ids = [pk for pk in registry.directory().signers_for(task.candidate_org_unit) if pk not in taken]
    return list(get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name", "username"))


def _people(task: HumanTask, user: Any, usernames: Sequence[Any]) -> list[Any]:
    if not usernames:
        raise _refused("required", "请选择加签人", "choose at least one signer")
    if not all(isinstance(name, str) and 0 < len(name) <= 150 for name in usernames):
        raise _refused("invalid", "加签人须为用户名列表", "a list of user names")
    names = sorted(set(usernames))
    if len(names) > MAX_SIGNERS:
        raise _refused("too_many", f"加签人不能超过 {MAX_SIGNERS} 个", f"at most {MAX_SIGNERS} signers")
    if user.get_username() in names:
        raise _refused("self", "不能给自己加签", "you cannot add yourself")
    people = list(get_user_model().objects.filter(username__in=names, is_active=True))
    allowed = set(registry.directory().signers_for(task.candidate_org_unit))
    outside = sorted(set(names) - {p.get_username() for p in people if p.pk in allowed})
    if outside:
        raise _refused(
            "not_in_scope",
            f"不在可加签范围内（本单位及上级单位的办理人员）：{'、'.join(outside)}",
            f"not staff of the task's unit or the units above it: {', '.join(outside)}",
        )
    return people


def open_parts(task: HumanTask) -> Any:
    return HumanTask.objects.filter(added_to_id=task.pk, status=HumanTask.Status.OPEN)


def _open_round(
    task: HumanTask, instance: ProcessInstance, actor: Actor, mode: str, people: list[Any], reason: str
) -> None:
    user = acting_user(actor)
    now = timezone.now()
    label = in_chinese(Mode(mode).label)  # stored data: in the users' language, not the request's
    parts = HumanTask.objects.bulk_create(
        [
            HumanTask(
                instance=instance,
                spiff_task_id=uuid.uuid4(),
                task_spec=task.task_spec,
                title=f"{task.title} · {label}"[:300],
                lane=task.lane,
                candidate_role=task.candidate_role,
                candidate_org_unit=task.candidate_org_unit,
                candidate_group=task.candidate_group,
                assignee=person,
                claimed_by=person,
                claimed_at=now,
                due_at=task.due_at,
                priority=task.priority,
                form_file=task.form_file,
                instructions=task.instructions,
                created_at=now,
                added_to=task,
                added_by=user,
                added_mode=mode,
            )
            for person in people
        ]
    )
    HumanTask.objects.filter(pk=task.pk).update(awaiting=mode)
    task.awaiting = mode
    for part in parts:
        # An event per part: it is a new task in its signer's inbox, and notified as such.
        audit(
            Action.TASK_CREATED,
            actor,
            target_type="task",
            target_id=part.pk,
            instance=instance,
            after={"task_spec": part.task_spec, "added_to": task.pk, "mode": mode},
        )
    audit(
        Action.TASK_SIGNERS_ADDED,
        actor,
        target_type="task",
        target_id=task.pk,
        instance=instance,
        after={"mode": mode, "signers": sorted(p.get_username() for p in people)},
        reason=reason,
    )


def add(task_id: int, *, actor: Actor, mode: str, signers: Sequence[Any], reason: str = "") -> HumanTask:
    """前加签 or 并加签 on an open task its holder has not completed yet."""
    if mode not in (Mode.BEFORE, Mode.PARALLEL):
        raise InvalidInput.on_field(
            "mode", "invalid", "加签方式须为前加签或并加签（后加签在提交时选择）", "before or parallel"
        )
    reason = reason.strip()[:1000]
    with write_transaction():
        task, instance, _ids = hold_open_task(task_id, actor)  # refuses an open round (awaiting)
        if not task_settings.settings_for(task).offers("add_signers"):
            raise _not_offered()
        if task.countersign is not None:
            raise Conflict(
                "A countersign part cannot take added signers.", "会签任务不能加签。", code="countersign"
            )
        if task.assignee_id is None:
            raise Conflict("Claim the task before adding signers.", "请先认领任务再加签。", code="unclaimed")
        _open_round(task, instance, actor, mode, _people(task, acting_user(actor), signers), reason)
        return task


def hold(
    task: HumanTask,
    instance: ProcessInstance,
    actor: Actor,
    data: dict[str, Any],
    opinion: str,
    copy_to: list[str],
    after_signers: Sequence[Any],
) -> None:
    """A completion while added signers must still sign: keep the submission until they have
    (in human_tasks.complete's transaction, the task held by hold_open_task)."""
    user = acting_user(actor)
    if user is None:  # the system completes no task that waits for people
        raise PermissionDenied("Only a person can submit this task.", "只有用户本人可以提交该任务。")
    if task.awaiting == Mode.BEFORE:
        raise awaiting_conflict()
    if after_signers:
        if task.awaiting:
            raise awaiting_conflict()
        if not task_settings.settings_for(task).offers("add_signers"):
            raise _not_offered()
        if task.countersign is not None:
            raise Conflict(
                "A countersign part cannot take added signers.", "会签任务不能加签。", code="countersign"
            )
        _open_round(task, instance, actor, Mode.AFTER, _people(task, user, after_signers), "")
    now = timezone.now()
    uid = user.pk
    HeldCompletion.objects.create(
        task=task, data=data, opinion=opinion, copy_to=copy_to, held_by=user, held_at=now
    )
    HumanTask.objects.filter(pk=task.pk).update(
        status=HumanTask.Status.AWAITING,
        completed_by_id=uid,
        completed_at=now,
        opinion=opinion,
        assignee_id=uid,
        claimed_by_id=task.claimed_by_id or uid,
        claimed_at=task.claimed_at or now,
    )
    task.status = HumanTask.Status.AWAITING
    audit(
        Action.TASK_COMPLETED,
        actor,
        target_type="task",
        target_id=task.pk,
        instance=instance,
        after={
            "task_spec": task.task_spec,
            "data": data,
            "awaiting": task.awaiting,
            **({"opinion": opinion} if opinion else {}),
        },
    )


def _hold_part(task_id: int) -> tuple[HumanTask, HumanTask, ProcessInstance, rows.TaskIds]:
    """Lock the task an added part belongs to (with its instance: every signature and removal of
    the round queues here), then the part itself."""
    part = HumanTask.objects.filter(pk=task_id).only("id", "added_to_id").first()
    if part is None:
        raise NotFound(f"Task {task_id} does not exist.", f"任务 {task_id} 不存在。")
    if part.added_to_id is None:
        raise Conflict("This task is not an added signer's.", "该任务不是加签任务。", code="not_added")
    locked = rows.lock_task_and_instance(part.added_to_id)
    if locked is None:
        raise NotFound(f"Task {task_id} does not exist.", f"任务 {task_id} 不存在。")
    task, instance, task_ids = locked
    task.instance = instance
    part = HumanTask.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=task_id)
    part.instance = instance
    return part, task, instance, task_ids


def sign(task_id: int, *, actor: Actor, approved: bool, opinion: str) -> HumanTask:
    """An added signer signs their part: 同意 or 不同意 (which needs an opinion)."""
    opinion = task_settings.clean_opinion(opinion, required=not approved)
    with write_transaction():
        part, task, instance, task_ids = _hold_part(task_id)
        require(actor, "workflows.view_task", part)
        if part.status != HumanTask.Status.OPEN:
            raise Conflict(
                "This signature is no longer needed: it was signed or removed.",
                "该加签已签署或已被减签，无需再签。",
                code="closed",
            )
        if part.assignee_id != getattr(actor, "pk", None):
            raise PermissionDenied("Only the added signer signs this part.", "只有加签人本人可以签署。")
        now = timezone.now()
        HumanTask.objects.filter(pk=part.pk).update(
            status=HumanTask.Status.COMPLETED,
            completed_by=acting_user(actor),
            completed_at=now,
            opinion=opinion,
            approved=approved,
        )
        part.status = HumanTask.Status.COMPLETED
        audit(
            Action.TASK_SIGNED,
            actor,
            target_type="task",
            target_id=part.pk,
            instance=instance,
            after={"approved": approved, "added_to": task.pk, "mode": part.added_mode},
            reason=opinion,
        )
        _settle(task, instance, task_ids, actor, disagreed=not approved)
        return part


def remove(task_id: int, *, actor: Actor) -> HumanTask:
    """减签: whoever added a signer (or holds the task now) takes an untouched part away."""
    with write_transaction():
        part, task, instance, task_ids = _hold_part(task_id)
        require(actor, "workflows.view_task", part)
        uid = getattr(actor, "pk", None)
        if uid not in (part.added_by_id, task.assignee_id):
            raise PermissionDenied(
                "Only whoever added the signer, or holds the task, can remove them.",
                "只有加签发起人或当前办理人可以减签。",
            )
        if part.status != HumanTask.Status.OPEN:
            raise Conflict(
                "The signer has already signed; the signature cannot be removed.",
                "加签人已签署，不能减签。",
                code="closed",
            )
        HumanTask.objects.filter(pk=part.pk).update(
            status=HumanTask.Status.CANCELLED, completed_at=timezone.now()
        )
        part.status = HumanTask.Status.CANCELLED
        audit(
            Action.TASK_SIGNER_REMOVED,
            actor,
            target_type="task",
            target_id=task.pk,
            instance=instance,
            before=task_summary(task),
            after={"signer": part.assignee.get_username() if part.assignee else "", "part": part.pk},
        )
        _settle(task, instance, task_ids, actor, disagreed=False)
        return part


def _settle(
    task: HumanTask, instance: ProcessInstance, task_ids: rows.TaskIds, actor: Actor, *, disagreed: bool
) -> None:
    """After a part was signed or removed: send the task back on a 不同意 to a held submission,
    or, when no part is left open, end the round (moving a held submission on)."""
    held = task.status == HumanTask.Status.AWAITING
    if held and disagreed:
        now = timezone.now()
        open_parts(task).update(status=HumanTask.Status.CANCELLED, completed_at=now)
        _back_to_holder(task, instance, actor, reopen=True)
        return
    if open_parts(task).exists():
        return
    if not held:
        _back_to_holder(task, instance, actor, reopen=False)
        return
    submission = HeldCompletion.objects.select_related("held_by").get(task=task)
    settings = task_settings.settings_for(task, rows.attach_version(instance))
    HumanTask.objects.filter(pk=task.pk).update(awaiting="")
    task.awaiting = ""
    task.status = HumanTask.Status.OPEN  # as the engine sees it until the turn completes it
    completion.finish(
        task,
        instance,
        task_ids,
        user=submission.held_by,
        actor=actor,
        data=submission.data,
        opinion=submission.opinion,
        settings=settings,
        copy_to=list(submission.copy_to),
        completed_at=submission.held_at,
        record=False,
        jump=resubmit.jump_for(task) if settings.resubmit_to_returner else None,
    )
    submission.delete()


def _back_to_holder(task: HumanTask, instance: ProcessInstance, actor: Actor, *, reopen: bool) -> None:
    """The round is over without moving on: the task is its holder's to work (again)."""
    holder_id = task.completed_by_id if reopen else task.assignee_id
    changes: dict[str, Any] = {"awaiting": ""}
    if reopen:
        HeldCompletion.objects.filter(task=task).delete()
        changes.update(
            status=HumanTask.Status.OPEN, completed_by=None, completed_at=None, assignee_id=holder_id
        )
    HumanTask.objects.filter(pk=task.pk).update(**changes)
    holder = (
        get_user_model().objects.filter(pk=holder_id).values_list("username", flat=True).first()
        if holder_id is not None
        else None
    )
    audit(
        Action.TASK_SIGNERS_DONE,
        actor,
        target_type="task",
        target_id=task.pk,
        instance=instance,
        # `assignee`: whom the notifications app tells that the task is theirs again.
        after={"assignee": holder, "disagreed": reopen},
    )
