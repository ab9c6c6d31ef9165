"""What the task page shows beside a task of one of the programme's processes: the service case or
the promotion assessment it belongs to, with what a decision needs at a glance (the scores, the
band, the proposed name) and links the viewer may follow (a link they could not open is left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.models import ProcessInstance

from ..models import ServiceCase
from ..promotion.models import ProjectAssessment
from ..scorecard.models import Evaluation


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    url: str = ""
    testid: str = ""


def related_facts(user: Any, instance: ProcessInstance) -> list[Fact]:
    case = ServiceCase.objects.select_related("enterprise", "project").filter(instance_id=instance.pk).first()
    if case is not None:
        return _case_facts(user, case)
    assessment = (
        ProjectAssessment.objects.select_related(
            "project", "self_evaluation", "office_evaluation", "district_evaluation"
        )
        .filter(instance_id=instance.pk)
        .first()
    )
    if assessment is not None:
        return _assessment_facts(user, assessment)
    return []


def _case_facts(user: Any, case: ServiceCase) -> list[Fact]:
    url = reverse("cases-detail", args=[case.pk]) if user.has_perm("cases.view_case", case) else ""
    return [
        Fact(_("Service case"), case.case_no, url, "related-case"),
        Fact(_("Enterprise"), case.enterprise.name),
        Fact(_("Stage"), str(case.get_stage_display())),
        Fact(_("Need"), case.need[:200]),
    ]


def _assessment_facts(user: Any, assessment: ProjectAssessment) -> list[Fact]:
    project = assessment.project
    facts = [
        Fact(
            _("Service project"),
            project.name,
            reverse("promotion-project", args=[project.pk])
            if user.has_perm("promotion.view_project", project)
            else "",
            "related-project",
        ),
        Fact(_("Period"), f"{assessment.period_start:%Y-%m-%d} – {assessment.period_end:%Y-%m-%d}"),
    ]
    for label, evaluation, testid in (
        (_("Self-assessment"), assessment.self_evaluation, "related-self"),
        (_("Office evaluation"), assessment.office_evaluation, "related-office"),
        (_("District evaluation"), assessment.district_evaluation, "related-district"),
    ):
        if evaluation is not None:
            facts.append(Fact(str(label), _score(evaluation), _evaluation_url(user, evaluation), testid))
    if assessment.band:
        facts.append(Fact(_("Band"), str(assessment.get_band_display())))
    if assessment.proposed_name:
        facts.append(Fact(_("Proposed name"), assessment.proposed_name))
    if assessment.office_reasons:
        facts.append(Fact(_("Office's reasons"), assessment.office_reasons[:300]))
    return facts


def _score(evaluation: Evaluation) -> str:
    return _("%(total)s points (%(status)s)") % {
        "total": evaluation.total,
        "status": evaluation.get_status_display(),
    }


def _evaluation_url(user: Any, evaluation: Evaluation) -> str:
    if user.has_perm("scorecard.view_evaluation", evaluation):
        return reverse("scorecard-detail", args=[evaluation.pk])
    return ""
