"""Instance administration pages for process admins: find instances, inspect one, act on it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.services import events_for_instance
from audit.web import actors
from core.errors import ServiceError
from core.http.htmx import is_htmx

from .. import call_tree, migration
from ..approval_record import steps_of
from ..diagram_payload import payload as diagram_payload
from ..models import HumanTask, InstanceStatus, ProcessInstance
from ..queries.instances import filter_instances, visible_instances
from ..task_view import elements_done, main_diagram
from . import actions, filters

PAGE_SIZE = 25
ADMIN_ACTIONS = ("retry", "suspend", "resume", "terminate")
# A long-lived instance can gather many events; the page shows the newest ones and says so.
TIMELINE_LIMIT = 200


def _require_admin(request: HttpRequest) -> None:
    if not request.user.has_perm("workflows.manage_instance"):
        raise PermissionDenied


def _open_tasks() -> Prefetch:
    return Prefetch(
        "human_tasks",
        queryset=HumanTask.objects.filter(status=HumanTask.Status.OPEN)
        .select_related("assignee")
        .order_by("id"),
        to_attr="open_tasks",
    )


@login_required
def instance_admin(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    chosen = filters.parse(request.GET)
    language = getattr(request, "LANGUAGE_CODE", "")
    base = visible_instances(request.user)
    try:
        wanted = filters.instance_filter(chosen.params)
        found = filter_instances(base, wanted)
        # Counts per status under every filter but the status itself, so the chips say where to look.
        without_status = filter_instances(base, replace(wanted, status=""))
    except ServiceError as exc:
        filters.absorb(chosen, exc, language)
        found = without_status = base.none()
    counts = dict(
        without_status.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    page = Paginator(found.prefetch_related(_open_tasks()), PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "filters": chosen,
        "page": page,
        "status_counts": [(value, label, counts.get(value, 0)) for value, label in InstanceStatus.choices],
        "total_all": sum(counts.values()),
        **filters.choices(),
    }
    status = 400 if chosen.errors and not is_htmx(request) else 200
    return render(request, "workflows/instance_admin.html", context, status=status)


def _instance_or_404(request: HttpRequest, pk: int) -> ProcessInstance:
    instance = (
        visible_instances(request.user)
        .select_related("previous", "version__deployed_by")
        .prefetch_related(_open_tasks())
        .filter(pk=pk)
        .first()
    )
    if instance is None:
        raise Http404
    return instance


def _detail(
    request: HttpRequest,
    instance: ProcessInstance,
    error: actions.ActionError | None = None,
    status: int = 200,
) -> HttpResponse:
    record = steps_of(instance)
    events = list(events_for_instance(instance.pk).select_related("actor").order_by("-id")[:TIMELINE_LIMIT])
    events.reverse()
    people = actors.describe(events)
    context = {
        "instance": instance,
        "continuation": ProcessInstance.objects.filter(previous_id=instance.pk).only("pk").first(),
        "events": events,
        # Who acted, in words (name, role, unit; the codes as tooltips), as the audit pages say it.
        "timeline": list(zip(events, [people[e.pk] for e in events], strict=True)),
        "events_truncated": len(events) == TIMELINE_LIMIT,
        "offered": actions.offered(request.user, instance, ADMIN_ACTIONS),
        "action_error": error,
        "migration_plan": _migration_preview(request, instance),
        "calls": call_tree.calls_of(instance),
        "record": record,
        # Where it stands, and the step it failed at when it is in error.
        "diagram": diagram_payload(
            main_diagram(instance.version),
            record,
            elements_done(instance),
            instance.error_task_spec if instance.status == InstanceStatus.ERROR else "",
            str(_("Failed here")),
        ),
    }
    return render(request, "workflows/instance_admin_detail.html", context, status=status)


def _migration_preview(request: HttpRequest, instance: ProcessInstance) -> migration.MigrationPlan | None:
    """The dry run against the model's newest version, when there is one to move to."""
    if instance.status not in migration.MIGRATABLE:
        return None
    latest = instance.version.process_model.latest_version()
    if latest is None or latest.pk == instance.version_id:
        return None
    try:
        return migration.plan(instance.pk, actor=request.user)
    except ServiceError:
        return None  # not allowed, or the status changed meanwhile: the card is simply not offered


@login_required
def instance_admin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    return _detail(request, _instance_or_404(request, pk))


@login_required
@require_POST
def instance_admin_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_admin(request)
    spec = actions.ACTIONS.get(action)
    if spec is None:
        raise Http404
    _instance_or_404(request, pk)
    error = actions.run(request, spec, pk)
    if error is None:
        actions.report(request, spec, pk)
        return redirect("instance-admin-detail", pk=pk)
    return _detail(request, _instance_or_404(request, pk), error, actions.error_status(request, error))


@login_required
@require_POST
def instance_admin_migrate(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the instance to the version the page showed, under the plan it showed: the form
    carries both, and a plan that changed meanwhile is shown again instead of being carried out."""
    _require_admin(request)
    _instance_or_404(request, pk)
    shown = request.POST.get("version", "")
    confirmed = request.POST.get("plan", "")

    def migrate_as_shown(pk: int, *, actor: Any, reason: str) -> None:
        version = int(shown) if shown.isdigit() and len(shown) < 9 else 0
        migration.migrate(pk, actor=actor, reason=reason, version_number=version, expected=confirmed)

    error = actions.run_service(request, "migrate", migrate_as_shown, pk)
    if error is None:
        messages.success(request, str(_("Instance #%(pk)s now runs version %(n)s.")) % {"pk": pk, "n": shown})
        return redirect("instance-admin-detail", pk=pk)
    return _detail(request, _instance_or_404(request, pk), error, actions.error_status(request, error))
