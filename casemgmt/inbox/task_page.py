"""The task page: instructions, the generated form, the case's context and history, the diagram.

Reads come straight from the models; every write goes through `workflows.human_tasks`
(`complete`, `claim`), which re-check permissions under the instance lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import events_for_instance
from casemgmt.inbox import schema_form
from casemgmt.inbox.instructions import render_instructions
from casemgmt.inbox.signer_context import signed_data, signer_context
from casemgmt.inbox.task_facts import related_facts
from casemgmt.inbox.work_page import work_link
from casemgmt.org.names import unit_names
from casemgmt.org.roles import Role
from core.errors import FieldError, InvalidInput, ServiceError
from core.http.page_errors import field_message, page_message, refuse_on_page
from workflows import handover, human_tasks, phrases, recall, returns, task_settings
from workflows.approval_record import steps_of
from workflows.catalog import task_title, titles_by_id
from workflows.diagram_payload import payload as diagram_payload
from workflows.forms import validate_task_data
from workflows.models import WORKABLE_STATUSES, HumanTask, InstanceStatus, ProcessInstance
from workflows.queries.tasks import held
from workflows.task_view import describe_task

TIMELINE_LIMIT = 200

Errors = schema_form.Errors


# --- reading ---------------------------------------------------------------------------------


def task_or_404(request: HttpRequest, pk: int) -> HumanTask:
    task = (
        HumanTask.objects.select_related(
            "instance__version__process_model",
            "instance__started_by",
            "assignee",
            "owner",
            "completed_by",
            "added_to",
            "added_by",
        )
        .filter(pk=pk)
        .first()
    )
    # A task the user may not see answers exactly like one that does not exist.
    if task is None or not request.user.has_perm("workflows.view_task", task):
        raise Http404
    return task


def _timeline(instance: ProcessInstance) -> tuple[list[AuditEvent], bool]:
    newest = list(
        events_for_instance(instance.pk).select_related("actor").order_by("-id")[: TIMELINE_LIMIT + 1]
    )
    return list(reversed(newest[:TIMELINE_LIMIT])), len(newest) > TIMELINE_LIMIT


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    task_title: str  # the task a task event is about, so the timeline reads as a story


def _entries(events: list[AuditEvent], rows: list[HumanTask], version: Any) -> list[TimelineEntry]:
    titles = titles_by_id(rows, version)
    return [TimelineEntry(e, titles.get(e.target_id, "") if e.target_type == "task" else "") for e in events]


def _submitted_data(task: HumanTask, events: list[AuditEvent], case: dict[str, Any]) -> dict[str, Any]:
    """What was submitted when the task was completed: the audit record, else the workflow data."""
    if task.status not in (HumanTask.Status.COMPLETED, HumanTask.Status.AWAITING):
        return {}  # cancelled: nothing was submitted, and the case data would mislead
    for event in events:
        if (
            event.action == Action.TASK_COMPLETED
            and event.target_type == "task"
            and event.target_id == str(task.pk)
            and isinstance(event.after, dict)
            and isinstance(event.after.get("data"), dict)
        ):
            return event.after["data"]
    return case


def _reopened(task: HumanTask, rows: list[HumanTask]) -> bool:
    """Whether the task runs again after a return or recall: an earlier row of its Spiff task."""
    return any(row.spiff_task_id == task.spiff_task_id and row.pk != task.pk for row in rows)


def _merge(errors: Errors, form_errors: list[str], fields: list[FieldError], names: set[str]) -> None:
    """Put the service's field errors next to their inputs; errors for no input go on top."""
    for error in fields:
        target = schema_form.field_of_error(error.field, names)
        message = field_message(error)
        if target is None:
            form_errors.append(f"{error.field}: {message}")
        elif target not in errors:
            errors[target] = [message]
        # An input that failed conversion was left out, so "required" would only repeat it.
        elif error.code != "required" and message not in errors[target]:
            errors[target].append(message)


def _page(
    request: HttpRequest,
    task: HumanTask,
    *,
    submitted: Any = None,
    errors: Errors | None = None,
    form_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    instance = task.instance
    version = instance.version
    user = request.user
    is_open = task.status == HumanTask.Status.OPEN
    workable = instance.status in WORKABLE_STATUSES
    may_work = is_open and user.has_perm("workflows.work_task", task)
    can_claim = (
        is_open and task.assignee_id is None and workable and user.has_perm("workflows.claim_task", task)
    )
    schema = human_tasks.form_schema(task, version)
    # An added signer's part has no Spiff task: it shows the task it was added to, and what its
    # holder submitted once they did.
    added_to = task.added_to
    view = describe_task(added_to or task)
    case = (signed_data(task) or view.data) if added_to is not None else view.data
    may_work = may_work and added_to is None  # the signer signs below the read-only form
    events, truncated = _timeline(instance)
    rows = list(
        instance.human_tasks.only("id", "task_spec", "title", "status", "instance_id", "spiff_task_id")
    )
    if added_to is not None:
        data: dict[str, Any] | None = case
    elif is_open:
        # A step sent back or recalled shows what was submitted before, to be corrected.
        data = case if schema is not None and _reopened(task, rows) else None
    else:
        data = _submitted_data(task, events, case)
    fields = schema_form.build_fields(
        schema, data=data, submitted=submitted, errors=errors, user=user, context=case
    )
    units = unit_names({instance.org_unit_code, task.candidate_org_unit})
    role = task.candidate_role
    settings = task_settings.settings_for(task, version)
    record = steps_of(instance)
    context = {
        "related": related_facts(user, instance),
        "task": task,
        "instance": instance,
        "version": version,
        "process": version.process_model,
        "org_unit_name": units.get(instance.org_unit_code, instance.org_unit_code),
        "candidates": (
            str(Role(role).label) if role in Role.values else role,
            units.get(task.candidate_org_unit, task.candidate_org_unit),
        ),
        # A delegated task is handed back, not completed, by the colleague it was delegated to.
        "can_work": may_work and workable and task.owner_id is None,
        "blocked_by_instance": may_work and not workable,
        "can_claim": can_claim,
        "overdue": bool(is_open and task.due_at and task.due_at < timezone.now()),
        "fields": fields,
        "has_form": schema is not None,
        "form_title": schema_form.form_title(schema),
        "form_errors": form_errors or [],
        "instructions": render_instructions(task.instructions, case),
        "timeline": _entries(events, rows, version),
        "timeline_truncated": truncated,
        "diagram": diagram_payload(view.diagram, record, view.done, task.task_spec),
        "work_page": work_link(settings.work_page, case) if is_open else None,
        # The button names what it does: the model's words, else 办结 at the end and 提交 before.
        "submit_label": settings.submit_label or (_("Finish") if settings.ends_process else _("Submit")),
        "opinion": _opinion_box(request, settings, submitted, errors)
        if may_work and workable and not task.owner_id
        else None,
        "can_urge": is_open and settings.offers("urge") and user.has_perm("workflows.urge_task", task),
        "return_targets": (
            returns.targets(task) if may_work and workable and settings.offers("return") else []
        ),
        "can_recall": recall.may_recall(task, user),
        "handover": _handover_box(task, user, settings) if may_work and workable else None,
        "hand_back": bool(may_work and workable and task.owner_id is not None),
        "returned": _why_returned(task, events),
        "record": record,
        **signer_context(task, user, may_work and workable, settings),
    }
    return render(request, "casemgmt/task_detail.html", context, status=status)


def _handover_box(task: HumanTask, user: Any, settings: task_settings.TaskSettings) -> dict[str, Any] | None:
    """转办 / 委派: the colleagues to choose from and which of the two the model offers."""
    ops = [op for op in ("transfer", "delegate") if settings.offers(op)]
    if not ops or task.owner_id is not None or task.countersign is not None:
        return None
    people = handover.colleagues(task, user)
    return {"ops": ops, "people": people} if people else None


def _why_returned(task: HumanTask, events: list[AuditEvent]) -> AuditEvent | None:
    """The return that reopened this task, for the notice that says who sent it back and why."""
    for event in reversed(events):
        if event.action == Action.TASK_RETURNED and (event.after or {}).get("to_task") == task.pk:
            return event
    return None


def _opinion_box(
    request: HttpRequest, settings: task_settings.TaskSettings, submitted: Any, errors: Errors | None
) -> dict[str, Any] | None:
    """The 审批意见 box under the form, with the user's 常用语; None where the model takes none."""
    if not (settings.offers("opinion") or settings.opinion_required):
        return None
    return {
        "required": settings.opinion_required,
        "value": submitted.get("opinion", "") if submitted is not None else "",
        "errors": (errors or {}).get("opinion", []),
        "phrases": phrases.offered(request.user),
        "max_length": task_settings.OPINION_MAX_LENGTH,
    }


# --- views ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    if request.method != "POST":
        return _page(request, task)
    return _submit(request, task)


def _submit(request: HttpRequest, task: HumanTask) -> HttpResponse:
    if task.status != HumanTask.Status.OPEN:
        return _page(request, task, form_errors=[_("This task is no longer open.")], status=409)
    if not request.user.has_perm("workflows.work_task", task):
        return _page(request, task, form_errors=[_("You may view this task but not work on it.")], status=403)
    schema = human_tasks.form_schema(task, task.instance.version)
    names = {*schema_form.properties(schema), "opinion"}
    data, errors = schema_form.parse_submission(schema, request.POST)
    form_errors: list[str] = []
    if errors:
        # Report the rest of the form too, so the user fixes everything in one round.
        try:
            validate_task_data(data, schema, request.user)
        except InvalidInput as exc:
            _merge(errors, form_errors, exc.fields, names)
        return _page(
            request, task, submitted=request.POST, errors=errors, form_errors=form_errors, status=400
        )
    try:
        human_tasks.complete(
            task.pk,
            actor=request.user,
            data=data,
            opinion=request.POST.get("opinion", ""),
            copy_to=request.POST.getlist("copy_to"),
            after_signers=request.POST.getlist("after_signers"),
        )
    except InvalidInput as exc:
        _merge(errors, form_errors, exc.fields, names)
        if not exc.fields:
            form_errors.append(page_message(exc))
        return _page(
            request, task, submitted=request.POST, errors=errors, form_errors=form_errors, status=400
        )
    except ServiceError as exc:
        task.refresh_from_db()
        return _page(
            request,
            task,
            submitted=request.POST if task.status == HumanTask.Status.OPEN else None,
            form_errors=[page_message(exc)],
            status=exc.status,
        )
    instance = ProcessInstance.objects.only("status", "error_task_spec").get(pk=task.instance_id)
    if instance.status == InstanceStatus.ERROR:
        # Honest: the submission was kept, but the case stopped at a later step.
        messages.warning(
            request,
            _(
                "Your submission of “%(title)s” was saved, but the case then hit an error at a later "
                "step; the process administrators have been told and will put it right."
            )
            % {"title": task_title(task, task.instance.version)},
        )
        return redirect("inbox")
    following = _next_for(request.user, task)
    if following is not None:
        # The case's next step is the user's too: straight on to it, not back to the inbox.
        messages.success(
            request,
            _("Task “%(title)s” completed. The next step, “%(next)s”, is yours too.")
            % {
                "title": task_title(task, task.instance.version),
                "next": task_title(following, task.instance.version),
            },
        )
        return redirect("task-detail-page", pk=following.pk)
    messages.success(
        request, _("Task “%(title)s” completed.") % {"title": task_title(task, task.instance.version)}
    )
    return redirect("inbox")


def _next_for(user: Any, task: HumanTask) -> HumanTask | None:
    """An open step of the same case that `user` may work now (theirs, or their group's)."""
    return (
        HumanTask.objects.filter(held("inbox", user), instance_id=task.instance_id)
        .exclude(pk=task.pk)
        .order_by("-priority", "id")
        .first()
    )


@login_required
@require_POST
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    try:
        human_tasks.claim(task.pk, actor=request.user)
    except ServiceError as exc:
        # Forbidden and hidden are answered as such, like every other page action; only a lost
        # race (409: taken or closed) is a message on the page.
        refuse_on_page(request, exc)
    else:
        messages.success(request, _("You have claimed this task."))
    return redirect("task-detail-page", pk=task.pk)
