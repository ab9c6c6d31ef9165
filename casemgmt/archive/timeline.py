"""The enterprise archive (一企一档): every case step and outcome of an enterprise, in time order,
limited to what the reader may see (casemgmt.org.scopes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casemgmt.models import Enterprise, Outcome, ServiceCase, ServiceRecord
from casemgmt.models.service_case import CaseStage
from casemgmt.org.calendar import SHANGHAI
from casemgmt.org.scopes import visible_cases, visible_outcomes

# --- the archive's entries, in time order ----------------------------------------------------


class EntryKind:
    SUBMITTED = "submitted"
    MATCHED = "matched"
    SERVICE = "service"
    FEEDBACK = "feedback"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    OUTCOME = "outcome"


# Steps whose moment only the audit trail knows (the case row keeps no timestamp for them).
_AUDITED_STEPS = {
    Action.CASE_MATCHED.value: EntryKind.MATCHED,
    Action.CASE_FEEDBACK_RECEIVED.value: EntryKind.FEEDBACK,
    Action.CASE_CLOSED.value: EntryKind.CLOSED,
    Action.CASE_WITHDRAWN.value: EntryKind.WITHDRAWN,
    Action.CASE_CANCELLED.value: EntryKind.CANCELLED,
}
_TERMINAL = {
    CaseStage.CLOSED.value: EntryKind.CLOSED,
    CaseStage.WITHDRAWN.value: EntryKind.WITHDRAWN,
    CaseStage.CANCELLED.value: EntryKind.CANCELLED,
}
# Target types other areas may use for a case in the audit trail; business_key (the case
# number) is the primary link.
_CASE_TARGET_TYPES = ("service_case", "servicecase", "case")


@dataclass(frozen=True)
class Entry:
    at: datetime  # the moment to sort by (aware)
    kind: str
    case: ServiceCase | None = None
    record: ServiceRecord | None = None
    outcome: Outcome | None = None
    date_only: bool = False  # outcomes carry a date, not a time

    @property
    def day(self) -> date:
        return timezone.localtime(self.at, SHANGHAI).date()


def outcome_moment(day: date) -> datetime:
    """Outcomes have a date only: they sort after everything else of that day (a certificate is
    obtained after the service that led to it)."""
    return datetime.combine(day, time.max, tzinfo=SHANGHAI)


def enterprise_entries(user: Any, enterprise: Enterprise) -> list[Entry]:
    """Every case step and outcome of the enterprise the user may see, oldest first."""
    cases = list(
        visible_cases(user)
        .filter(enterprise=enterprise)
        .select_related("project__operator", "project__coordinating_office", "matched_institution")
        .order_by("submitted_at", "pk")
    )
    by_pk = {case.pk: case for case in cases}  # every entry shares these (loaded once, with projects)
    entries: list[Entry] = [Entry(case.submitted_at, EntryKind.SUBMITTED, case=case) for case in cases]
    records = ServiceRecord.objects.filter(case__in=cases).order_by("served_at", "pk")
    entries.extend(Entry(r.served_at, EntryKind.SERVICE, case=by_pk[r.case_id], record=r) for r in records)
    entries.extend(_audited_steps(cases))
    outcomes = (
        visible_outcomes(user)
        .filter(enterprise=enterprise)
        .select_related("project__operator", "project__coordinating_office", "case")
        .order_by("obtained_on", "pk")
    )
    for o in outcomes:
        case = by_pk.get(o.case_id, o.case) if o.case_id is not None else None
        entries.append(
            Entry(outcome_moment(o.obtained_on), EntryKind.OUTCOME, case=case, outcome=o, date_only=True)
        )
    order = {kind: n for n, kind in enumerate(vars(EntryKind).values()) if isinstance(kind, str)}
    entries.sort(key=lambda e: (e.at, order.get(e.kind, 99), e.case.pk if e.case else 0))
    return entries


def _audited_steps(cases: list[ServiceCase]) -> list[Entry]:
    if not cases:
        return []
    by_number = {case.case_no: case for case in cases}
    by_pk = {str(case.pk): case for case in cases}
    events = AuditEvent.objects.filter(action__in=list(_AUDITED_STEPS)).filter(
        Q(business_key__in=list(by_number)) | Q(target_type__in=_CASE_TARGET_TYPES, target_id__in=list(by_pk))
    )
    entries: list[Entry] = []
    ended_by_event: set[int] = set()
    for event in events.order_by("occurred_at", "id").only(
        "action", "occurred_at", "business_key", "target_type", "target_id"
    ):
        case = by_number.get(event.business_key) or (
            by_pk.get(event.target_id) if event.target_type in _CASE_TARGET_TYPES else None
        )
        if case is None:
            continue
        kind = _AUDITED_STEPS[event.action]
        if kind in _TERMINAL.values():
            ended_by_event.add(case.pk)
        entries.append(Entry(event.occurred_at, kind, case=case))
    # A case that ended without an audited step (e.g. loaded from elsewhere) still shows its end.
    for case in cases:
        end = _TERMINAL.get(case.stage)
        if end is not None and case.closed_at is not None and case.pk not in ended_by_event:
            entries.append(Entry(case.closed_at, end, case=case))
    return entries
