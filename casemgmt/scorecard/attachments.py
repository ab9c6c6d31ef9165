"""Evidence (佐证材料) on a draft's checklist items: an upload or a link, checked by content
(evidence.py), stored once however many evaluations share it (evidence_files.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from core.errors import NotFound
from core.service import Actor, acting_user, require, write_transaction

from . import evidence_files
from .drafts import invalid, item_for, lock_evaluation, require_draft, score_for
from .evidence import check_upload, check_url
from .models import Evaluation, Evidence, IndicatorScore, RuleKind, SubItemScore


def attach(
    score: IndicatorScore, item: SubItemScore, evidence: UploadedFile | str, note: str, actor: Actor
) -> Evidence:
    """Attach to an item of a draft the caller has already locked (set_score and add_evidence both
    call it inside their own transaction)."""
    if item.sub_item.rule_kind != RuleKind.CHECKLIST or item.sub_item.is_computed:
        raise invalid(
            "evidence",
            "not_checklist",
            "只有清单项需要上传佐证材料。",
            "Evidence belongs to checklist items.",
        )
    row = Evidence(score=score, item=item, note=note.strip()[:300], uploaded_by=acting_user(actor))
    if isinstance(evidence, str):
        row.url = check_url(evidence)
    else:
        _, content_type = check_upload(evidence)
        row.original_name = (evidence.name or "")[:255]
        row.content_type = content_type
        row.size = evidence.size
        row.file.save(evidence.name or "evidence", evidence, save=False)
    row.save()
    return row


def add_evidence(
    evaluation: Evaluation | int,
    indicator_number: int,
    sub_item: int | str | None,
    evidence: UploadedFile | str,
    *,
    note: str = "",
    actor: Actor,
) -> Evidence:
    with write_transaction():
        locked = lock_evaluation(evaluation)
        require(actor, "scorecard.change_evaluation", locked)
        require_draft(locked)
        score = score_for(locked, indicator_number)
        item = item_for(score, sub_item)
        if item is None:
            raise invalid("sub_item", "required", "请指定评价要点。", "Say which sub-item.")
        return attach(score, item, evidence, note, actor)


def remove_evidence(evidence_id: int, *, actor: Actor) -> None:
    """Detach evidence from a draft; its stored file goes once no other evaluation shares it."""
    with write_transaction():
        row = Evidence.objects.select_related("score").filter(pk=evidence_id).first()
        if row is None:
            raise NotFound("No such evidence.", "佐证材料不存在。")
        locked = lock_evaluation(row.score.evaluation_id)
        require(actor, "scorecard.change_evaluation", locked)
        require_draft(locked)
        name = row.file.name if row.file else ""
        row.delete()
        evidence_files.release(name)
