"""Lifecycle actions as pages offer them: which ones fit an instance now, and running one from a form.

The services decide (permission, status, reason) and raise ServiceError; this module only
mirrors their status rules so that a page offers nothing the service would refuse anyway, and
turns a refusal into something a template can show next to the right form field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError
from core.http.htmx import is_htmx
from core.http.page_errors import page_errors, raise_for_refusal

from .. import instances, transitions
from ..models import InstanceStatus, ProcessInstance
from ..transitions import Transition

# Same cap as the API's ReasonSerializer: the reason is copied into the audit trail.
MAX_REASON = 1000


@dataclass(frozen=True)
class ActionSpec:
    """A transition as a page offers it: its words and its service; the rules are the transition's."""

    transition: Transition
    label: str | Promise
    done: str | Promise  # success message; "%(pk)s" is the instance id
    service: Callable[..., ProcessInstance]
    danger: bool = False

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def permission(self) -> str:
        return self.transition.permission

    @property
    def statuses(self) -> frozenset[str]:
        return self.transition.sources

    @property
    def reason_required(self) -> bool:
        return self.transition.reason_required


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        ActionSpec(transitions.RETRY, _("Retry"), _("Instance #%(pk)s was retried."), instances.retry),
        ActionSpec(
            transitions.SUSPEND, _("Suspend"), _("Instance #%(pk)s was suspended."), instances.suspend
        ),
        ActionSpec(transitions.RESUME, _("Resume"), _("Instance #%(pk)s was resumed."), instances.resume),
        ActionSpec(
            transitions.TERMINATE,
            _("Terminate"),
            _("Instance #%(pk)s was terminated."),
            instances.terminate,
            danger=True,
        ),
    )
}


def offered(user: Any, instance: ProcessInstance, names: Iterable[str]) -> list[ActionSpec]:
    """The actions among `names` that the instance's status allows and the user may take."""
    chosen = (ACTIONS[name] for name in names)
    return [
        spec
        for spec in chosen
        if instance.status in spec.statuses and user.has_perm(spec.permission, instance)
    ]


@dataclass
class ActionError:
    """A refused action, ready for a template: a general message and per-field messages."""

    action: str
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    status: int = 400


def error_status(request: HttpRequest, error: ActionError) -> int:
    """htmx swaps only 2xx answers, so it gets 200; a plain form post gets the honest code."""
    return 200 if is_htmx(request) else error.status


def report(request: HttpRequest, spec: ActionSpec, pk: int) -> None:
    """Tell the user what the action came to, not that the button was pressed: a retry that failed
    again says so, and at which step."""
    if spec.name == transitions.RETRY.name:
        after = ProcessInstance.objects.only("status", "error_task_spec").get(pk=pk)
        if after.status == InstanceStatus.ERROR:
            messages.warning(
                request,
                _("Instance #%(pk)s was retried but failed again at step “%(step)s”.")
                % {"pk": pk, "step": after.error_task_spec or "?"},
            )
            return
    messages.success(request, str(spec.done) % {"pk": pk})


def run(request: HttpRequest, spec: ActionSpec, pk: int) -> ActionError | None:
    return run_service(request, spec.name, spec.service, pk)


def run_service(request: HttpRequest, name: str, service: Callable[..., Any], pk: int) -> ActionError | None:
    """Run one service `service(pk, actor=…, reason=…)` for the signed-in user; a refusal the user
    can fix comes back as ActionError (for the form called `name`).

    Refusals that are not about the input (no permission, no such instance) become the usual
    403/404 responses, exactly as if the page had not offered the form.
    """
    reason = request.POST.get("reason", "")
    language = getattr(request, "LANGUAGE_CODE", "")
    if len(reason) > MAX_REASON:
        return ActionError(
            name,
            str(_("The reason is too long.")),
            {"reason": str(_("At most %(n)s characters.") % {"n": MAX_REASON})},
            reason,
        )
    try:
        service(pk, actor=request.user, reason=reason)
    except ServiceError as exc:
        raise_for_refusal(exc)
        refusal = page_errors(exc, language)
        return ActionError(name, refusal.message, refusal.first(), reason, exc.status)
    return None
