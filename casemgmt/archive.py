"""The enterprise archive (一企一档) and who may see which part of it.

Scopes, as the notice's roles work:
- district-wide roles (reviewer, process admin, auditor) and superusers see everything;
- office staff see the projects whose operating organization lies in their office's area, and
  the projects their office coordinates (for district projects the coordinator is the bureau);
- operators see the projects their own operating organization runs;
- enterprise users see their own enterprise (Enterprise.org_unit among their memberships), with
  every case and outcome of it, whichever project served it.

An archive opened by a scoped user shows only the cases and outcomes of projects that user may
see; an enterprise none of whose cases or outcomes the user may see does not exist for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent

from .directory import area_below, memberships, visible_org_units
from .models import Enterprise, Outcome, ServiceCase, ServiceProject, ServiceRecord
from .models.service_case import CaseStage
from .roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything (`everything`), else projects by id and enterprises by id."""

    everything: bool
    project_ids: frozenset[int]
    enterprise_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.everything and not self.project_ids and not self.enterprise_ids


_SCOPE_ATTR = "_nqi_archive_scope"


def scope_of(user: Any) -> Scope:
    """The user's archive scope; cached on the user object for the request."""
    cached = getattr(user, _SCOPE_ATTR, None)
    if isinstance(cached, Scope):
        return cached
    found = _compute_scope(user)
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, _SCOPE_ATTR, found)
    return found


def _compute_scope(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(False, frozenset(), frozenset())
    if visible_org_units(user) is None:
        return Scope(True, frozenset(), frozenset())
    rows = memberships(user)
    offices = {code for role, code, _ in rows if role == Role.OFFICE_STAFF.value}
    operators = {code for role, code, _ in rows if role == Role.OPERATOR.value}
    own = {code for role, code, _ in rows if role == Role.ENTERPRISE.value}
    projects = Q(pk__in=[])
    if offices:
        projects |= Q(operator__code__in=area_below(offices)) | Q(coordinating_office__code__in=offices)
    if operators:
        projects |= Q(operator__code__in=operators)
    project_ids = frozenset(ServiceProject.objects.filter(projects).values_list("pk", flat=True))
    enterprise_ids = frozenset(
        Enterprise.objects.filter(org_unit__code__in=own).values_list("pk", flat=True) if own else []
    )
    return Scope(False, project_ids, enterprise_ids)


def visible_projects(user: Any) -> QuerySet[ServiceProject]:
    """Projects whose work the user may see (enterprise users see none as a project)."""
    scope = scope_of(user)
    projects = ServiceProject.objects.all()
    return projects if scope.everything else projects.filter(pk__in=scope.project_ids)


def visible_cases(user: Any) -> QuerySet[ServiceCase]:
    scope = scope_of(user)
    cases = ServiceCase.objects.all()
    if scope.everything:
        return cases
    return cases.filter(Q(project_id__in=scope.project_ids) | Q(enterprise_id__in=scope.enterprise_ids))


def visible_outcomes(user: Any) -> QuerySet[Outcome]:
    scope = scope_of(user)
    outcomes = Outcome.objects.all()
    if scope.everything:
        return outcomes
    return outcomes.filter(Q(project_id__in=scope.project_ids) | Q(enterprise_id__in=scope.enterprise_ids))


def visible_enterprises(user: Any) -> QuerySet[Enterprise]:
    """Enterprises with a case or outcome the user may see, and the user's own enterprise."""
    scope = scope_of(user)
    enterprises = Enterprise.objects.all()
    if scope.everything:
        return enterprises
    served = Q(cases__project_id__in=scope.project_ids) | Q(outcomes__project_id__in=scope.project_ids)
    ids = Enterprise.objects.filter(served).values("pk")
    return enterprises.filter(Q(pk__in=ids) | Q(pk__in=scope.enterprise_ids))


def may_see_project(user: Any, project: ServiceProject) -> bool:
    scope = scope_of(user)
    return scope.everything or project.pk in scope.project_ids


def may_see_enterprise(user: Any, enterprise: Enterprise) -> bool:
    return visible_enterprises(user).filter(pk=enterprise.pk).exists()


def may_see_case(user: Any, case: ServiceCase) -> bool:
    scope = scope_of(user)
    return (
        scope.everything or case.project_id in scope.project_ids or case.enterprise_id in scope.enterprise_ids
    )


def may_see_outcome(user: Any, outcome: Outcome) -> bool:
    scope = scope_of(user)
    return (
        scope.everything
        or outcome.project_id in scope.project_ids
        or (outcome.enterprise_id is not None and outcome.enterprise_id in scope.enterprise_ids)
    )


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
