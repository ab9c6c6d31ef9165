"""Which audit events concern whom, and how to say so."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.actions import Action
from audit.models import AuditEvent
from workflows import registry
from workflows.models import HumanTask

from . import failures
from .drafts import Draft
from .models import Notification

PROCESS_ADMIN_ROLE = "process_admin"
# task.moved: a migration gave an open task to another group, which learns of it as of a new task.
# Handing a task to someone: the event's `after` names the new assignee.
HANDED = (
    Action.TASK_ASSIGNED,
    Action.TASK_TRANSFERRED,
    Action.TASK_DELEGATED,
    Action.TASK_DELEGATION_RESOLVED,
    Action.TASK_SIGNERS_DONE,
)
ACTIONS = (
    Action.TASK_CREATED,
    Action.TASK_MOVED,
    Action.TASK_URGED,
    Action.TASK_COPIED,
    Action.INSTANCE_ERROR,
    *HANDED,
)


def drafts_for(events: Iterable[AuditEvent]) -> list[Draft]:
    """The notifications a batch of events gives rise to (nobody is told of their own action)."""
    events = list(events)
    task_ids = [int(e.target_id) for e in events if e.target_type == "task" and e.target_id.isdigit()]
    # A task done (or cancelled) before the job came round is no longer news.
    tasks = {
        t.pk: t
        for t in HumanTask.objects.filter(pk__in=task_ids, status=HumanTask.Status.OPEN).select_related(
            "instance"
        )
    }
    usernames = {
        str((e.after or {}).get("assignee"))
        for e in events
        if e.action in HANDED and isinstance(e.after, dict)
    }
    usernames |= {str(name) for e in events if e.action == Action.TASK_COPIED for name in _readers(e)}
    user_ids = dict(get_user_model().objects.filter(username__in=usernames).values_list("username", "pk"))
    # The engine records task.created as the system; whoever's step made the task is the actor
    # of that transaction's other events (one batch shares its time stamp).
    causers: dict[tuple[int | None, datetime], int] = {
        (e.instance_id, e.occurred_at): e.actor_id for e in events if e.actor_id is not None and e.instance_id
    }
    directory = registry.directory()
    members: dict[str, list[int]] = {}  # one membership query per group (or role) per batch
    # A failed step: its own rules of who is told and how often (failures.py).
    drafts = failures.drafts_for(events, lambda: _holders(members, directory, PROCESS_ADMIN_ROLE))
    for event in events:
        if event.action in (Action.TASK_CREATED, Action.TASK_MOVED):
            task = tasks.get(int(event.target_id))
            if task is None:
                continue
            causer = event.actor_id or causers.get((event.instance_id, event.occurred_at))
            if task.assignee_id is not None:
                # Opened for one person (a named signer, a step sent back to whoever did it):
                # theirs alone, not the group's news.
                if task.assignee_id != causer:
                    drafts.append(_about_task(event, task, Notification.Kind.TASK_ASSIGNED, task.assignee_id))
                continue
            drafts.extend(
                _about_task(event, task, Notification.Kind.TASK_AVAILABLE, uid)
                for uid in _members(members, directory, task.candidate_group)
                if uid != causer
            )
        elif event.action in HANDED:
            task = tasks.get(int(event.target_id))
            assignee = user_ids.get(str((event.after or {}).get("assignee")))
            if task is not None and assignee is not None and assignee != event.actor_id:
                drafts.append(_about_task(event, task, Notification.Kind.TASK_ASSIGNED, assignee))
        elif event.action == Action.TASK_URGED:
            # The holder: its assignee, else every member of its group.
            task = tasks.get(int(event.target_id))
            if task is not None:
                holders = (
                    [task.assignee_id]
                    if task.assignee_id is not None
                    else _members(members, directory, task.candidate_group)
                )
                drafts.extend(
                    _about_task(event, task, Notification.Kind.TASK_URGED, uid)
                    for uid in holders
                    if uid != event.actor_id
                )
        elif event.action == Action.TASK_COPIED and event.instance_id is not None:
            # The task is done: the copy links to the instance's approval record.
            drafts.extend(
                Draft(
                    recipient_id=uid,
                    kind=Notification.Kind.TASK_COPIED,
                    event_id=event.pk,
                    title=event.business_key or f"#{event.instance_id}",
                    detail=str((event.after or {}).get("title", ""))[:300],
                    link=reverse("instance-record", args=[event.instance_id]),
                )
                for name in _readers(event)
                if (uid := user_ids.get(str(name))) is not None and uid != event.actor_id
            )
    return drafts


def _readers(event: AuditEvent) -> list[str]:
    readers = (event.after or {}).get("recipients") if isinstance(event.after, dict) else None
    return [str(name) for name in readers] if isinstance(readers, list) else []


def _members(known: dict[str, list[int]], directory: registry.Directory, group: str) -> list[int]:
    if group not in known:
        known[group] = directory.members_of(group)
    return known[group]


def _holders(known: dict[str, list[int]], directory: registry.Directory, role: str) -> list[int]:
    key = f"{role}@*"  # a key no candidate group can have
    if key not in known:
        known[key] = directory.holders_of(role)
    return known[key]


def _about_task(event: AuditEvent, task: HumanTask, kind: str, recipient_id: int) -> Draft:
    subject = task.instance.subject or task.instance.business_key
    return Draft(
        recipient_id=recipient_id,
        kind=kind,
        event_id=event.pk,
        title=task.title,
        detail=" · ".join(part for part in (task.instance.business_key, subject) if part)[:300],
        link=reverse("task-detail-page", args=[task.pk]),
    )
