"""Read side: the district report (scores by period, level and office) and the promotion pipeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from casemgmt.models import OrgUnit, ServiceProject
from casemgmt.org.directory import visible_org_units
from casemgmt.org.names import unit_names
from casemgmt.org.roles import Role
from casemgmt.org.scopes import visible_projects
from workflows.catalog import title_shown
from workflows.models import HumanTask, InstanceStatus, ProcessInstance

from .models import ProjectAssessment
from .services import PROCESS

REPORT_LIMIT = 500
OPEN = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR, InstanceStatus.SUSPENDED)


@dataclass(frozen=True)
class ReportFilters:
    year: int | None = None
    level: str = ""
    office: str = ""
    outcome: str = ""

    @classmethod
    def parse(cls, query: Any) -> ReportFilters:
        year_text = str(query.get("year") or "").strip()
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
        level = str(query.get("level") or "")
        outcome = str(query.get("outcome") or "")
        return cls(
            year=year,
            level=level if level in ServiceProject.Level.values else "",
            office=str(query.get("office") or "")[:64],
            outcome=outcome if outcome in ProjectAssessment.Outcome.values else "",
        )


def assessments(user: Any, filters: ReportFilters) -> QuerySet[ProjectAssessment]:
    rows = ProjectAssessment.objects.select_related(
        "project__coordinating_office",
        "project__operator",
        "instance",
        "self_evaluation",
        "office_evaluation",
        "district_evaluation",
    ).filter(project__in=visible_projects(user))
    if filters.year:
        rows = rows.filter(period_end__year=filters.year)
    if filters.level:
        rows = rows.filter(project__level=filters.level)
    if filters.office:
        rows = rows.filter(project__coordinating_office__code=filters.office)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    return rows.order_by("-period_end", "project__code", "-cycle")


def latest_by_project(rows: QuerySet[ProjectAssessment]) -> list[ProjectAssessment]:
    """Each project's latest assessment per period (the latest cycle)."""
    seen: set[tuple[int, datetime.date]] = set()
    latest: list[ProjectAssessment] = []
    for row in rows[:REPORT_LIMIT]:
        key = (row.project_id, row.period_end)
        if key not in seen:
            seen.add(key)
            latest.append(row)
    return latest


@dataclass(frozen=True)
class PipelineRow:
    instance: ProcessInstance
    project: ServiceProject | None
    step: str
    task_spec: str
    role: str
    org_unit: str
    since: datetime.datetime | None
    due: datetime.datetime | None
    overdue: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "instance": self.instance.pk,
            "business_key": self.instance.business_key,
            "status": self.instance.status,
            "project": self.project.code if self.project else None,
            "project_name": self.project.name if self.project else self.instance.subject,
            "step": self.step,
            "task_spec": self.task_spec,
            "role": self.role,
            "org_unit": self.org_unit,
            "since": self.since.isoformat() if self.since else None,
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
        }


def pipeline(user: Any, office: str = "") -> list[PipelineRow]:
    """Every running promotion cycle the user may see: which step, whose group, since when."""
    instances = ProcessInstance.objects.filter(version__process_model__key=PROCESS, status__in=OPEN)
    scope = visible_org_units(user)
    if scope is not None:
        instances = instances.filter(org_unit_code__in=scope)
    found = list(instances.order_by("started_at")[:REPORT_LIMIT])
    by_instance = {
        a.instance_id: a
        for a in ProjectAssessment.objects.filter(instance__in=found).select_related(
            "project__coordinating_office"
        )
    }
    if office:
        found = [
            i
            for i in found
            if i.pk in by_instance and by_instance[i.pk].project.coordinating_office.code == office
        ]
    tasks: dict[int, list[HumanTask]] = {}
    for task in HumanTask.objects.filter(instance__in=found, status=HumanTask.Status.OPEN).order_by(
        "created_at"
    ):
        tasks.setdefault(task.instance_id, []).append(task)
    units = unit_names()
    now = datetime.datetime.now(datetime.UTC)
    rows: list[PipelineRow] = []
    for instance in found:
        assessment = by_instance.get(instance.pk)
        project = assessment.project if assessment else None
        open_tasks = tasks.get(instance.pk, [])
        if not open_tasks:
            rows.append(
                PipelineRow(instance, project, instance.status, "", "", "", instance.started_at, None, False)
            )
        for task in open_tasks:
            role = (
                str(Role(task.candidate_role).label)
                if task.candidate_role in Role.values
                else task.candidate_role
            )
            rows.append(
                PipelineRow(
                    instance,
                    project,
                    title_shown(instance.version_id, task.task_spec, task.title),
                    task.task_spec,
                    role,
                    units.get(task.candidate_org_unit, task.candidate_org_unit),
                    task.created_at,
                    task.due_at,
                    bool(task.due_at and task.due_at < now),
                )
            )
    return rows


def offices(user: Any) -> list[OrgUnit]:
    rows = OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE)
    scope = visible_org_units(user)
    if scope is not None:
        rows = rows.filter(code__in=scope)
    return list(rows.order_by("code"))
