"""Four-eyes deployment: a draft is submitted with a change note, and a second process admin,
never its author, approves it (which deploys it) or returns it with reasons.

The review is an instance of the shipped bpmn/model_change.bpmn: an or-sign (或签) whose signers
are the other active process admins, so the author is never offered the task and the first
reviewer to decide ends it for the rest; the process's service steps (studio/change_handlers.py)
deploy or return the change. Submitting snapshots the draft's files: editing the draft during
the review changes nothing under review.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from core.service import Actor, acting_user, audit, require, write_transaction
from workflows import human_tasks, instances, registry
from workflows.deploy import MAX_NOTE
from workflows.models import HumanTask
from workflows.parsing import content_hash
from workflows.problems import DiagramInvalid

from . import drafts
from .models import ModelChange

REVIEW_MODEL = "model_change"
# The lane of the review in model_change.bpmn: its role's holders are the possible reviewers.
REVIEWER_LANE = "流程管理员"
PERMISSION = drafts.PERMISSION


def _display(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _note(note: str) -> str:
    note = note.strip()
    if not note:
        raise InvalidInput(
            "Say what the change is: a change note is required.",
            "请填写变更说明。",
            fields=[FieldError("note", "required", "提交审核须填写变更说明", "a change note is required")],
        )
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            "The change note is too long.",
            "变更说明过长。",
            fields=[
                FieldError("note", "too_long", f"不超过 {MAX_NOTE} 个字符", f"at most {MAX_NOTE} characters")
            ],
        )
    return note


def reviewers_for(author: Any) -> list[str]:
    """User names of the active process admins other than `author`, in a stable order."""
    role = registry.lane_resolver().role_for_lane(REVIEWER_LANE) or ""
    ids = set(registry.directory().holders_of(role)) - {author.pk}
    users = get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")
    return [str(name) for name in users.values_list("username", flat=True)]


def _check_submittable(draft: Any) -> None:
    problems = drafts.problems(draft)
    if problems:
        raise DiagramInvalid(problems)
    newest = draft.process_model.latest_version()
    if newest.pk != draft.base_version.pk:
        raise Conflict(
            f"Version {newest.number} was deployed after this draft was started from version "
            f"{draft.base_version.number}: submitting it would undo that version. Discard the draft "
            "and start again from the newest version.",
            f"本草稿基于第 {draft.base_version.number} 版，其后已部署第 {newest.number} 版："
            "提交将撤销该版本的修改。请放弃草稿，从最新版本重新开始。",
            code="draft_outdated",
        )
    if content_hash(draft.files) == newest.content_hash:
        raise InvalidInput(
            f"The draft is the same as version {newest.number}: there is nothing to review.",
            f"草稿与第 {newest.number} 版完全相同，没有需要审核的修改。",
            code="unchanged",
        )
    if ModelChange.objects.filter(
        process_model=draft.process_model, status=ModelChange.Status.PENDING
    ).exists():
        raise Conflict(
            "A change of this model is already awaiting review: wait for its decision.",
            "该流程模型已有一项变更在审核中，请等待审核结果。",
            code="change_pending",
        )


def submit(key: str, *, actor: Actor, revision: int, note: str) -> ModelChange:
    """Submit the draft (still at `revision`) for review; answers the change under review."""
    require(actor, PERMISSION)
    note = _note(note)
    author = acting_user(actor)
    if author is None:
        raise PermissionDenied("Sign in to submit a change.", "请先登录。")
    with write_transaction():
        draft = drafts.locked(key, revision)
        _check_submittable(draft)
        reviewers = reviewers_for(author)
        if not reviewers:
            raise Conflict(
                "No other process admin can review this change: four-eyes deployment needs a second one.",
                "没有其他流程管理员可以审核此变更：部署须经第二位流程管理员审核。",
                code="no_reviewer",
            )
        newest = draft.base_version
        change = ModelChange.objects.create(
            process_model=draft.process_model,
            base_version=newest,
            files=dict(draft.files),
            content_hash=content_hash(draft.files),
            draft_revision=draft.revision,
            note=note,
            author=author,
        )
        _role, org_unit = registry.directory().describe(author)
        change.instance = instances.start_instance(
            REVIEW_MODEL,
            actor=actor,
            org_unit_code=org_unit,
            business_key=f"{key}-{change.pk}",
            subject=f"{draft.process_model.name}：{note[:100]}",
            data={
                "change_id": change.pk,
                "model": key,
                "base_version": newest.number,
                "note": note,
                "author_name": _display(author),
                "reviewers": reviewers,
            },
        )
        change.save(update_fields=["instance"])
        audit(
            Action.MODEL_CHANGE_SUBMITTED,
            actor,
            target_type="model_change",
            target_id=change.pk,
            before={"version": newest.number, "hash": newest.content_hash},
            after={"model": key, "hash": change.content_hash, "files": sorted(change.files), "note": note},
        )
    return change


def get(change_id: int, *, actor: Actor) -> ModelChange:
    require(actor, PERMISSION)
    change = (
        ModelChange.objects.select_related("process_model", "base_version", "author", "decided_by", "version")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        raise NotFound(f"Change {change_id} does not exist.", f"变更 {change_id} 不存在。")
    return change


def review_task(change: ModelChange, user: Any) -> HumanTask | None:
    """The open review task `user` holds for the change, if any."""
    if change.instance_id is None or user is None:
        return None
    return HumanTask.objects.filter(
        instance_id=change.instance_id, status=HumanTask.Status.OPEN, assignee_id=user.pk
    ).first()


def decide(change_id: int, *, actor: Actor, approved: bool, comment: str) -> ModelChange:
    """Approve (deploy) or return the change, as one of its reviewers; the author may not."""
    change = get(change_id, actor=actor)
    user = acting_user(actor)
    if change.status != ModelChange.Status.PENDING:
        raise Conflict(
            f"The change was already decided: {change.get_status_display()}.",
            f"该变更已有审核结果：{change.get_status_display()}。",
            code="change_decided",
        )
    if user is not None and change.author_id == user.pk:
        raise PermissionDenied(
            "The author of a change cannot review it: a second process admin decides.",
            "提交人不能审核自己的变更，须由另一位流程管理员审核。",
            code="own_change",
        )
    task = review_task(change, user)
    if task is None:
        raise PermissionDenied(
            "You are not a reviewer of this change.", "您不是该变更的审核人。", code="not_reviewer"
        )
    human_tasks.complete(task.pk, actor=actor, data={"approved": approved, "comment": comment})
    return get(change_id, actor=actor)
