"""What a case page or API answer shows, computed once: labels, progress, items, records, tasks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.text import capfirst

from audit.models import AuditEvent
from workflows.models import HumanTask

from .. import catalogue
from ..models import CaseStage, EffectKind, ServiceCase, ServiceRecord, TechnicalInstitution

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


def timeline(case: ServiceCase) -> list[AuditEvent]:
    if case.instance_id is None:
        events = AuditEvent.objects.filter(target_type="case", target_id=case.case_no)
    else:
        events = AuditEvent.objects.filter(instance_id=case.instance_id)
    return list(reversed(events.order_by("-id")[:TIMELINE_LIMIT]))


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
