"""Building service data for a project and filling a scorecard by hand, for the scoring tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casemgmt.models import Enterprise, Outcome, ServiceProject
from casemgmt.scorecard.models import Evaluation, Indicator
from casemgmt.scorecard.services import set_score
from tests.factories import make_case, make_enterprise, make_outcome, make_record

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)
IN_PERIOD = datetime.date(2026, 5, 10)
BEFORE = datetime.date(2025, 12, 31)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "制度.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def served(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10, 0))


def outcomes(
    project: ServiceProject,
    kind: str,
    subtype: str,
    n: int,
    *,
    enterprise: Enterprise | None = None,
    day: datetime.date = IN_PERIOD,
) -> list[Outcome]:
    made = []
    for _ in range(n):
        case = make_case(project=project, enterprise=enterprise or make_enterprise())
        made.append(
            make_outcome(
                kind=kind,
                subtype=subtype,
                case=case,
                project=project,
                enterprise=case.enterprise,
                obtained_on=day,
            )
        )
    return made


def visits(
    project: ServiceProject,
    n: int,
    *,
    size_class: str = "small",
    service_class: str = "testing",
    day: datetime.date = IN_PERIOD,
) -> list[Any]:
    case = make_case(project=project, enterprise=make_enterprise(size_class=size_class))
    return [make_record(case=case, served_at=served(day), service_class=service_class) for _ in range(n)]


def tick_all_checklists(evaluation: Evaluation, actor: Any) -> None:
    """Every manual checklist item satisfied, each with a link as its evidence."""
    for indicator in Indicator.objects.filter(template=evaluation.template_version, rule_kind="checklist"):
        for item in indicator.sub_items.filter(source=""):
            set_score(
                evaluation,
                indicator.number,
                item.position,
                satisfied=True,
                evidence=f"https://example.org/evidence/{indicator.number}/{item.position}",
                actor=actor,
            )


def judge(evaluation: Evaluation, actor: Any, seven: str = "8", fifteen: str = "5") -> None:
    set_score(evaluation, 7, points=seven, reason="符合松江区产业规划", actor=actor)
    set_score(evaluation, 15, points=fifteen, reason="经济和社会效益良好", actor=actor)
