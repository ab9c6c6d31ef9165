"""The draft of a model that process admins edit in the browser: started from the newest version,
saved as they work, checked on every save, discarded when no longer wanted.

A model has one draft, shared by its admins. Saves are optimistic: each names the revision it
was made from, and a save from an older one is refused (409 `draft_stale`, saying who saved
when) instead of silently overwriting a colleague's work. Saves are not audited: a draft is
never run, and the editor saves every few seconds; starting and discarding a draft are, and its
submission and deployment are audited with the files' hashes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.service import Actor, acting_user, audit, require, write_transaction
from workflows.deploy import check_files
from workflows.models import ProcessModel
from workflows.parsing import DeployProblem, content_hash

from .diagrams import diagram_with
from .models import ModelDraft
from .uploads import check_set

PERMISSION = "workflows.deploy_model"


def _no_draft(key: str) -> NotFound:
    return NotFound(f"{key} has no draft.", f"{key} 没有草稿。", code="no_draft")


def find(key: str, *, actor: Actor) -> ModelDraft:
    """The model's draft, or NotFound (`no_draft`)."""
    require(actor, PERMISSION)
    draft = (
        ModelDraft.objects.select_related("process_model", "base_version", "updated_by", "created_by")
        .filter(process_model__key=key)
        .first()
    )
    if draft is None:
        raise _no_draft(key)
    return draft


def start(key: str, *, actor: Actor) -> tuple[ModelDraft, bool]:
    """(the model's draft, whether it was created now): the existing draft, or a new one holding
    the newest version's files."""
    require(actor, PERMISSION)
    with write_transaction():
        model = ProcessModel.objects.select_for_update().filter(key=key).first()
        if model is None:
            raise NotFound(f"Process model {key!r} does not exist.", f"流程模型 {key} 不存在。")
        existing = ModelDraft.objects.filter(process_model=model).first()
        if existing is not None:
            return find(key, actor=actor), False
        base = model.latest_version()
        if base is None:
            raise NotFound(f"{key} has no version to edit.", f"{key} 还没有可编辑的版本。")
        user = acting_user(actor)
        ModelDraft.objects.create(
            process_model=model, base_version=base, files=dict(base.files), created_by=user, updated_by=user
        )
        audit(
            Action.DRAFT_STARTED,
            actor,
            target_type="process_model",
            target_id=model.pk,
            after={"model": key, "from_version": base.number, "hash": base.content_hash},
        )
    return find(key, actor=actor), True


def _stale(draft: ModelDraft, revision: int) -> Conflict:
    who = draft.updated_by.get_full_name() or draft.updated_by.get_username() if draft.updated_by else "—"
    when = timezone.localtime(draft.updated_at).strftime("%Y-%m-%d %H:%M:%S")
    return Conflict(
        f"The draft was saved by {who} at {when} (revision {draft.revision}) after you opened "
        f"revision {revision}: your change was not saved. Reload the draft and make it again.",
        f"草稿已由 {who} 于 {when} 保存（第 {draft.revision} 版），晚于您打开的第 {revision} 版："
        "您的修改未保存。请重新载入草稿后再修改。",
        code="draft_stale",
        fields=[
            FieldError(
                "revision",
                "stale",
                f"草稿已更新至第 {draft.revision} 版",
                f"the draft is at revision {draft.revision}",
                extra={
                    "revision": draft.revision,
                    "updated_by": who,
                    "updated_at": draft.updated_at.isoformat(),
                },
            )
        ],
    )


def locked(key: str, revision: int) -> ModelDraft:
    """The draft, locked for this transaction, if it is still at `revision` (else draft_stale)."""
    draft = (
        ModelDraft.objects.select_for_update(of=("self",))
        .select_related("updated_by", "process_model")
        .filter(process_model__key=key)
        .first()
    )
    if draft is None:
        raise _no_draft(key)
    if draft.revision != revision:
        raise _stale(draft, revision)
    return draft


def save(
    key: str, *, actor: Actor, revision: int, files: dict[str, str], remove: Iterable[str] = ()
) -> ModelDraft:
    """Write `files` into the draft (replacing those of the same name) and drop `remove`, if the
    draft is still at `revision`; the saved draft is at the next revision."""
    require(actor, PERMISSION)
    check_set(files)
    with write_transaction():
        draft = locked(key, revision)
        merged = {**draft.files, **files}
        for name in remove:
            merged.pop(name, None)
        check_set(merged)
        if not any(name.lower().endswith(".bpmn") for name in merged):
            raise InvalidInput(
                "A draft keeps at least one diagram.",
                "草稿中至少要保留一个流程图。",
                fields=[
                    FieldError(
                        "remove", "required", "不能删除全部流程图", "the last diagram cannot be removed"
                    )
                ],
            )
        draft.files = merged
        draft.revision += 1
        draft.updated_by = acting_user(actor)
        draft.save(update_fields=["files", "revision", "updated_by", "updated_at"])
    return find(key, actor=actor)


def discard(key: str, *, actor: Actor, revision: int) -> None:
    """Delete the draft, if nobody saved it since `revision`."""
    require(actor, PERMISSION)
    with write_transaction():
        draft = locked(key, revision)
        audit(
            Action.DRAFT_DISCARDED,
            actor,
            target_type="process_model",
            target_id=draft.process_model_id,
            before={"model": key, "revision": draft.revision, "hash": content_hash(draft.files)},
        )
        draft.delete()


def problems(draft: ModelDraft) -> list[DeployProblem]:
    """What keeps the draft from deploying: the deploy step's own checks, run on its files."""
    return check_files(draft.files, draft.process_model.key)[1]


def main_file(draft: ModelDraft) -> str:
    """The diagram the editor opens: the one holding the model's main process (the first diagram
    if an edit renamed that process)."""
    found = diagram_with(draft.files, draft.base_version.main_process_id)
    if found is not None:
        return found[0]
    return sorted(name for name in draft.files if name.lower().endswith(".bpmn"))[0]


def decision_files(draft: ModelDraft) -> list[str]:
    """The draft's decision tables (.dmn files) by name: what the decision-table editor opens."""
    return sorted(name for name in draft.files if name.lower().endswith(".dmn"))
