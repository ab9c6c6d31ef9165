"""Who is told that a step failed, and in which words.

Process admins put it right: they get the failing step by its diagram name, the exception and a
link to the instance page. The staff who worked the case (completed or hold one of its tasks)
only need to know that it stopped and that the admins know: they get the case and the step's
name, said as a sentence when shown (Notification.message), never the exception. The person
whose step ran into the error is told too: the task page said so at the time, this stays.

A retry that fails again at the same step tells nobody anew while their notification of that
step is unread: the one they have not read yet says it already. Once read, the next failure
is news again. One query each for the instances, their workers and the unread notifications.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from audit.actions import Action
from audit.models import AuditEvent
from workflows.catalog import element_name
from workflows.models import HumanTask, ProcessInstance

from .drafts import Draft
from .models import Notification

ADMIN_KIND = Notification.Kind.INSTANCE_ERROR
STAFF_KIND = Notification.Kind.CASE_STOPPED
# (recipient, kind, instance, task spec): what one unread notification already says.
Told = tuple[int, str, int, str]


def drafts_for(events: Sequence[AuditEvent], admins: Callable[[], list[int]]) -> list[Draft]:
    """The notifications of the INSTANCE_ERROR events among `events`; `admins()`: the process
    admins' user ids."""
    failed = [e for e in events if e.action == Action.INSTANCE_ERROR and e.instance_id is not None]
    if not failed:
        return []
    ids = {e.instance_id for e in failed}
    # A test run's failure is its admin's to see on the run, not every process admin's news.
    versions = dict(ProcessInstance.objects.filter(pk__in=ids, is_test=False).values_list("pk", "version_id"))
    if not versions:
        return []
    workers: dict[int, set[int]] = defaultdict(set)
    for worked, done_by, holder in HumanTask.objects.filter(instance_id__in=versions).values_list(
        "instance_id", "completed_by_id", "assignee_id"
    ):
        workers[worked] |= {uid for uid in (done_by, holder) if uid is not None}
    admin_ids = admins()
    audience = {uid for group in workers.values() for uid in group} | set(admin_ids)
    told = _unread(audience, set(versions))
    drafts: list[Draft] = []
    for event in failed:
        instance_id = event.instance_id
        if instance_id is None or instance_id not in versions:
            continue
        after = event.after if isinstance(event.after, dict) else {}
        spec = str(after.get("task_spec") or "")
        with translation.override(settings.LANGUAGE_CODE):  # stored: in the site's language
            step = element_name(versions[instance_id], spec)
        case = event.business_key or f"#{instance_id}"
        error = str(after.get("error", ""))
        recipients = [(uid, ADMIN_KIND) for uid in admin_ids]
        recipients += [(uid, STAFF_KIND) for uid in sorted(workers[instance_id] - set(admin_ids))]
        for uid, kind in recipients:
            key = (uid, str(kind), instance_id, spec)
            if key in told:
                continue
            told.add(key)
            if kind == ADMIN_KIND:
                detail = f"{step} · {error}" if step else error
                link = reverse("instance-admin-detail", args=[instance_id])
            else:
                detail, link = step, reverse("instance-record", args=[instance_id])
            drafts.append(Draft(uid, kind, event.pk, case, detail[:300], link))
    return drafts


def _unread(recipients: set[int], instance_ids: set[int]) -> set[Told]:
    """What the recipients' unread failure notifications about these instances already say."""
    errors = AuditEvent.objects.filter(action=Action.INSTANCE_ERROR, instance_id__in=instance_ids)
    unread = list(
        Notification.objects.filter(
            recipient_id__in=recipients,
            kind__in=(ADMIN_KIND, STAFF_KIND),
            read_at__isnull=True,
            event_id__in=errors.values("pk"),
        ).values_list("recipient_id", "kind", "event_id")
    )
    if not unread:
        return set()
    about = {
        pk: (instance, str(spec or ""))
        for pk, instance, spec in errors.filter(pk__in={e for _, _, e in unread}).values_list(
            "pk", "instance_id", "after__task_spec"
        )
        if instance is not None
    }
    return {
        (uid, kind, about[event_id][0], about[event_id][1])
        for uid, kind, event_id in unread
        if event_id in about
    }
