"""Whether new instances of a model may start: a process admin disables a model (and enables it
again); instances already running go on, and calls from running callers still start."""

from __future__ import annotations

from audit.actions import Action
from core.errors import FieldError, InvalidInput, NotFound
from core.service import Actor, audit, require, write_transaction
from workflows.models import ProcessModel

MAX_REASON = 500


def set_enabled(key: str, enabled: bool, *, actor: Actor, reason: str = "") -> ProcessModel:
    require(actor, "workflows.deploy_model")
    reason = reason.strip()
    if not enabled and not reason:
        raise InvalidInput(
            "Say why the model is disabled.",
            "请填写停用原因。",
            fields=[FieldError("reason", "required", "停用须说明原因", "a reason is required to disable")],
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            "The reason is too long.",
            "原因过长。",
            fields=[
                FieldError(
                    "reason", "too_long", f"不超过 {MAX_REASON} 个字符", f"at most {MAX_REASON} characters"
                )
            ],
        )
    with write_transaction():
        model = ProcessModel.objects.select_for_update().filter(key=key).first()
        if model is None:
            raise NotFound(f"Process model {key!r} does not exist.", f"流程模型 {key} 不存在。")
        if model.enabled == enabled:
            return model
        model.enabled = enabled
        model.save(update_fields=["enabled"])
        audit(
            Action.MODEL_ENABLED if enabled else Action.MODEL_DISABLED,
            actor,
            target_type="process_model",
            target_id=model.pk,
            reason=reason,
            before={"enabled": not enabled},
            after={"enabled": enabled, "model": model.key},
        )
    return model
