"""What a case page or API answer shows, computed once: labels, progress, items, records, tasks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.text import capfirst

from audit.models import AuditEvent
from casemgmt.registry import catalogue
from workflows.models import HumanTask

from ..models import CaseStage, EffectKind, ServiceCase, ServiceRecord, TechnicalInstitution

# --- who sees which field ---------------------------------------------------------------------
#
# Staff (operators, offices, the district, process admins, auditors: cases.view_case_internals)
# see every field of a case they may see. An enterprise user sees its own case as the public
# status page shows it, plus what it told us itself (intake and feedback): no staff notes, no
# expert names, no process internals, no staff user names. One table, read by the case page and
# by the API (casemgmt/cases/api/serializers.py); tests/cases/test_field_visibility.py walks it.
STAFF = "staff"
ENTERPRISE = "enterprise"
BOTH = frozenset({STAFF, ENTERPRISE})
STAFF_ONLY = frozenset({STAFF})
CASE_FIELDS: dict[str, frozenset[str]] = {
    "id": BOTH,
    "case_no": BOTH,
    "project": BOTH,
    "project_name": BOTH,
    "enterprise": BOTH,
    "enterprise_name": BOTH,
    "channel": BOTH,
    "stage": BOTH,
    "stage_label": BOTH,
    "submitted_at": BOTH,
    "escalated_at": STAFF_ONLY,  # the reminder escalated matching to the office: internal
    "closed_at": BOTH,
    "contact_name": BOTH,
    "contact_phone": BOTH,
    "need": BOTH,
    "catalogue_items": BOTH,
    "matched_institution": BOTH,  # the public status page shows it too
    "matched_expert": STAFF_ONLY,  # a person's name, recorded by staff
    "matching_note": STAFF_ONLY,  # the operator's working note
    "office_help_requested": STAFF_ONLY,
    "rating": BOTH,
    "effects": BOTH,
    "effect_other": BOTH,
    "feedback_comment": BOTH,
    "new_jobs": BOTH,
    "investment_drawn": BOTH,
    "output_added": BOTH,
    "cost_saved": BOTH,
    "profit_added": BOTH,
    "end_reason": BOTH,  # why the case ended concerns the enterprise first
    "instance_id": STAFF_ONLY,
    "records": BOTH,
    "open_tasks": STAFF_ONLY,  # tasks, their groups and assignees
    "candidate_institutions": STAFF_ONLY,
    "timeline_actors": STAFF_ONLY,  # staff user names in the history
}
# A service record: date and mode as on the public status page, and the class of service; the
# content is the operator's own description.
RECORD_FIELDS: dict[str, frozenset[str]] = {
    "id": BOTH,
    "served_at": BOTH,
    "mode": BOTH,
    "mode_description": BOTH,
    "service_class": BOTH,
    "content": STAFF_ONLY,
}
# The events an enterprise sees in its case's history: the case's own steps, not the tasks.
ENTERPRISE_TIMELINE_ACTIONS = frozenset(
    {
        "case.submitted",
        "case.matched",
        "case.service_recorded",
        "case.feedback_received",
        "case.closed",
        "case.withdrawn",
        "case.cancelled",
    }
)
VIEW_INTERNALS = "cases.view_case_internals"


def audience(user: Any, case: ServiceCase) -> str:
    """STAFF when the user sees the case as staff, else ENTERPRISE (also for no user at all)."""
    if user is not None and user.has_perm(VIEW_INTERNALS, case):
        return STAFF
    return ENTERPRISE


def shown(table: dict[str, frozenset[str]], who: str) -> frozenset[str]:
    """The field names of `table` the audience `who` may see."""
    return frozenset(name for name, audiences in table.items() if who in audiences)


# The four stages and the end, in order, as the progress bar shows them.
PROGRESS = tuple(
    (stage, stage.label)
    for stage in (
        CaseStage.INTAKE,
        CaseStage.MATCHING,
        CaseStage.FOLLOW_UP,
        CaseStage.FEEDBACK,
        CaseStage.CLOSED,
    )
)
AMOUNT_FIELDS = ("new_jobs", "investment_drawn", "output_added", "cost_saved", "profit_added")
TIMELINE_LIMIT = 200


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    state: str  # "done", "current", "todo"


def progress(case: ServiceCase) -> list[Step]:
    order: list[str] = [str(key) for key, _label in PROGRESS]
    if case.stage in order:
        reached = order.index(case.stage)
        return [
            Step(
                key,
                label,
                "done"
                if i < reached or case.stage == CaseStage.CLOSED
                else ("current" if i == reached else "todo"),
            )
            for i, (key, label) in enumerate(PROGRESS)
        ]
    # Withdrawn or cancelled: the stages it got through are not recorded separately, so the bar
    # shows none as done and the page names the end and its reason.
    return [Step(key, label, "todo") for key, label in PROGRESS]


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    category: str


def items(case: ServiceCase, language: str = "zh") -> list[Item]:
    found = []
    for key in case.catalogue_items:
        try:
            entry = catalogue.item(key)
        except KeyError:
            found.append(Item(key, key, ""))
            continue
        category = catalogue.category(entry.category)
        english = language.startswith("en")
        found.append(
            Item(
                key,
                entry.text_en if english else entry.text_zh,
                category.name_en if english else category.name_zh,
            )
        )
    return found


def effect_labels(case: ServiceCase) -> list[str]:
    labels = {value: str(label) for value, label in EffectKind.choices}
    return [labels.get(e, e) for e in case.effects]


def amounts(case: ServiceCase) -> list[tuple[str, Decimal | int | None]]:
    """(label, value) of the five 其他成效 figures, labelled as the model names them."""
    found: list[tuple[str, Decimal | int | None]] = []
    for name in AMOUNT_FIELDS:
        model_field = ServiceCase._meta.get_field(name)
        label = str(capfirst(getattr(model_field, "verbose_name", name)))
        found.append((label, getattr(case, name)))
    return found


def records(case: ServiceCase) -> list[ServiceRecord]:
    return list(case.records.order_by("served_at", "pk"))


def open_tasks(case: ServiceCase) -> list[HumanTask]:
    if case.instance_id is None:
        return []
    return list(
        HumanTask.objects.filter(instance_id=case.instance_id, status=HumanTask.Status.OPEN).order_by("pk")
    )


def timeline(case: ServiceCase, who: str = STAFF) -> list[AuditEvent]:
    """The case's audit events, oldest first; for an enterprise only the case's own steps."""
    if case.instance_id is None:
        events = AuditEvent.objects.filter(target_type="case", target_id=case.case_no)
    else:
        events = AuditEvent.objects.filter(instance_id=case.instance_id)
    if who != STAFF:
        events = events.filter(action__in=ENTERPRISE_TIMELINE_ACTIONS)
    # With the actor: people are shown by their names, not their user names.
    return list(reversed(events.select_related("actor").order_by("-id")[:TIMELINE_LIMIT]))


# Catalogue categories whose services a kind of institution delivers.
_KIND_FOR_CATEGORY = {
    "metrology": TechnicalInstitution.Kind.METROLOGY,
    "certification": TechnicalInstitution.Kind.CERTIFICATION,
    "testing": TechnicalInstitution.Kind.TESTING,
    "ip": TechnicalInstitution.Kind.IP_AGENCY,
}
CANDIDATE_LIMIT = 20


def candidate_institutions(case: ServiceCase) -> list[TechnicalInstitution]:
    """Active institutions of the kinds the requested items call for (all kinds if none), with
    the numbers the matching form asks for."""
    kinds = {
        _KIND_FOR_CATEGORY[k.split(".")[0]]
        for k in case.catalogue_items
        if k.split(".")[0] in _KIND_FOR_CATEGORY
    }
    found = TechnicalInstitution.objects.filter(active=True)
    if kinds:
        found = found.filter(kind__in=kinds)
    return list(found.order_by("kind", "name")[:CANDIDATE_LIMIT])
