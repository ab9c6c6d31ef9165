"""The service steps of bpmn/model_change.bpmn: deploy an approved change, or record that it was
returned. They run in the transaction of the reviewer's decision, as the reviewer (call.actor),
so the change, its version and the audit records commit together or not at all."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import Action
from core.service import audit
from workflows import deploy
from workflows.countersign import OPINIONS_VARIABLE
from workflows.registry import HandlerInfo, HandlerParam, ServiceCall, register_service_handler

from .models import ModelChange, ModelDraft


def _change(call: ServiceCall) -> ModelChange:
    change = (
        ModelChange.objects.select_for_update(of=("self",))
        .select_related("process_model", "base_version", "author")
        .get(pk=int(call.params["change_id"]))
    )
    if change.status != ModelChange.Status.PENDING:
        raise RuntimeError(f"change {change.pk} is {change.status}, not pending")
    return change


def _comment(call: ServiceCall) -> str:
    """The deciding reviewer's opinion: the last signature of the review."""
    opinions = call.data.get(OPINIONS_VARIABLE)
    if isinstance(opinions, list) and opinions and isinstance(opinions[-1], dict):
        return str(opinions[-1].get("comment") or "")
    return ""


def _decided(change: ModelChange, call: ServiceCall, status: str) -> None:
    change.status = status
    change.decided_by = call.actor
    change.decided_at = timezone.now()
    change.comment = _comment(call)


def deploy_change(call: ServiceCall) -> dict[str, Any]:
    change = _change(call)
    reviewer = call.actor
    outcome = deploy.deploy(
        change.files,
        actor=reviewer,
        model_key=change.process_model.key,
        note=change.note,
        via="studio",
        review={
            "change": change.pk,
            "author": change.author.get_username(),
            "reviewer": reviewer.get_username() if reviewer else "",
        },
    )
    assert outcome.version is not None  # not a validation-only call
    _decided(change, call, ModelChange.Status.DEPLOYED)
    change.version = outcome.version
    change.save(update_fields=["status", "decided_by", "decided_at", "comment", "version"])
    # The draft is now deployed, unless it was edited after it was submitted.
    ModelDraft.objects.filter(process_model=change.process_model, revision=change.draft_revision).delete()
    audit(
        Action.MODEL_CHANGE_APPROVED,
        call.actor,
        target_type="model_change",
        target_id=change.pk,
        reason=change.comment,
        before={"version": change.base_version.number, "hash": change.base_version.content_hash},
        after={
            "version": outcome.version.number,
            "hash": change.content_hash,
            "model": change.process_model.key,
        },
    )
    return {"version": outcome.version.number}


def return_change(call: ServiceCall) -> dict[str, Any]:
    change = _change(call)
    _decided(change, call, ModelChange.Status.RETURNED)
    change.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit(
        Action.MODEL_CHANGE_RETURNED,
        call.actor,
        target_type="model_change",
        target_id=change.pk,
        reason=change.comment,
        after={"model": change.process_model.key, "hash": change.content_hash},
    )
    return {"returned": True}


CHANGE_ID = HandlerParam(
    "change_id", "int", _("The change request under review (the process variable change_id).")
)


def register() -> None:
    register_service_handler(
        "studio.deploy_change",
        deploy_change,
        HandlerInfo(
            _("Deploy the approved change"), _("Deploys the reviewed files as a new version."), (CHANGE_ID,)
        ),
    )
    register_service_handler(
        "studio.return_change",
        return_change,
        HandlerInfo(
            _("Return the change"), _("Records that the reviewer sent the change back."), (CHANGE_ID,)
        ),
    )
