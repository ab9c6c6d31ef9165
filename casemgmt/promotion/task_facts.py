"""The promotion's facts beside a task (casemgmt.inbox.task_facts): the assessment the instance runs,
with what a decision needs at a glance (the scores, the band, the proposed name).

Registered from PromotionConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from casemgmt.inbox.task_facts import Fact
from casemgmt.scorecard.task_facts import evaluation_fact
from workflows.models import ProcessInstance

from .models import ProjectAssessment


def assessment_facts(user: Any, instance: ProcessInstance) -> list[Fact] | None:
    assessment = (
        ProjectAssessment.objects.select_related(
            "project", "self_evaluation", "office_evaluation", "district_evaluation"
        )
        .filter(instance_id=instance.pk)
        .first()
    )
    if assessment is None:
        return None
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
            facts.append(evaluation_fact(user, str(label), evaluation, testid))
    if assessment.band:
        facts.append(Fact(_("Band"), str(assessment.get_band_display())))
    if assessment.proposed_name:
        facts.append(Fact(_("Proposed name"), assessment.proposed_name))
    if assessment.office_reasons:
        facts.append(Fact(_("Office's reasons"), assessment.office_reasons[:300]))
    return facts
