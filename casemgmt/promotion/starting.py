"""Starting an assessment: one form, shown on the scorecard list, the promotion report and a
project's promotion page, and one action behind it.

A project can be assessed two ways, offered side by side as "kinds" of one choice: the promotion
cycle (the process: the organization's self-assessment, the office's recommendation, the
district's evaluation), which the office of the area and the district reviewers start; or a single
scorecard at one stage (an office's periodic evaluation, an organization checking itself), for
whoever that stage's permission allows. Before, these were two unrelated forms on two pages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casemgmt.models import ServiceProject
from casemgmt.org.scopes import visible_projects
from casemgmt.scorecard.models import Evaluation, EvaluationStatus, Stage
from casemgmt.scorecard.queries import stages_for, visible_evaluations
from casemgmt.scorecard.services import create_evaluation
from core.errors import InvalidInput, NotFound

from .services import PROMOTABLE_LEVELS, start_assessment

PROMOTION = "promotion"


@dataclass(frozen=True)
class StartChoice:
    project: ServiceProject
    kinds: list[tuple[str, str | Promise]]  # (value, label), the promotion cycle first


@dataclass(frozen=True)
class StartForm:
    """What the form offers the user: projects with their kinds, the default period, and the
    submitted scorecards a single-stage scorecard may be based on."""

    choices: list[StartChoice]
    period: tuple[datetime.date, datetime.date]
    based_on: list[Evaluation]

    @property
    def kinds(self) -> list[tuple[str, str | Promise]]:
        """Every kind offered for some project, in the order of the first project offering it."""
        seen: dict[str, str | Promise] = {}
        for choice in self.choices:
            for value, label in choice.kinds:
                seen.setdefault(value, label)
        return list(seen.items())


def _promotion_label() -> Promise:
    return _("Promotion assessment (self-assessment → office → district)")


def kinds_for(user: Any, project: ServiceProject, stages: list[str]) -> list[tuple[str, str | Promise]]:
    kinds: list[tuple[str, str | Promise]] = []
    if project.level in PROMOTABLE_LEVELS and user.has_perm("promotion.start_assessment", project):
        kinds.append((PROMOTION, _promotion_label()))
    labels = dict(Stage.choices)
    kinds += [(stage, format_lazy(_("Scorecard only: {stage}"), stage=labels[stage])) for stage in stages]
    return kinds


def start_form(user: Any, project: ServiceProject | None = None) -> StartForm | None:
    """The form for the user (for one project, or every project they may start), or None when
    there is nothing they may start."""
    if project is not None:
        candidates = [project]
    else:
        candidates = list(visible_projects(user).select_related("operator").order_by("code"))
    choices = [
        StartChoice(p, kinds) for p in candidates if (kinds := kinds_for(user, p, stages_for(user, p)))
    ]
    if not choices:
        return None
    year = datetime.date.today().year
    earlier = visible_evaluations(user).filter(
        stage__in=[Stage.SELF, Stage.OFFICE], status=EvaluationStatus.SUBMITTED
    )
    if project is not None:
        earlier = earlier.filter(project=project)
    return StartForm(choices, (datetime.date(year, 1, 1), datetime.date(year, 12, 31)), list(earlier[:200]))


def _invalid(field: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput.on_field(field, "invalid", zh, en)


def start(
    user: Any,
    *,
    project: ServiceProject | None,
    kind: str,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    based_on: str = "",
) -> str:
    """Start what the form asked for; the page to go to next. Each service checks its own
    permission (starting a cycle, scoring at a stage); a project the user cannot see is not found."""
    if project is None:
        raise _invalid("project", "请选择服务项目。", "Choose a project.")
    if not visible_projects(user).filter(pk=project.pk).exists():
        raise NotFound(f"Service project {project.pk} does not exist.", f"服务项目 {project.pk} 不存在。")
    if period_start is None or period_end is None:
        raise _invalid("period_start", "请填写评估期的起止日期。", "Give the period's first and last day.")
    if kind == PROMOTION:
        start_assessment(project.pk, actor=user, period_start=period_start, period_end=period_end)
        return reverse("promotion-project", args=[project.pk])
    if kind not in Stage.values:
        raise _invalid("kind", "请选择评估方式。", "Choose how to assess the project.")
    earlier = visible_evaluations(user).filter(pk=int(based_on)).first() if based_on.isdigit() else None
    evaluation = create_evaluation(
        project, period_start, period_end, stage=kind, actor=user, based_on=earlier
    )
    return reverse("scorecard-detail", args=[evaluation.pk])
