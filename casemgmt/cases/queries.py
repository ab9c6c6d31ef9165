"""Which cases a user sees, and the list filters shared by the page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from casemgmt.org import scopes
from casemgmt.org.calendar import SHANGHAI
from casemgmt.org.directory import visible_org_units
from casemgmt.org.roles import Role

from ..models import CaseStage, ServiceCase, ServiceProject

STAFF_ROLES = (Role.OPERATOR.value, Role.OFFICE_STAFF.value, Role.DISTRICT_REVIEWER.value)


def visible_cases(user: Any) -> QuerySet[ServiceCase]:
    """Operators: their project's cases; offices: their area's; enterprises: their own; the
    district, process admins and auditors: all (casemgmt.org.scopes)."""
    return scopes.visible_cases(user).select_related("project__operator", "enterprise", "matched_institution")


def submittable_projects(user: Any) -> QuerySet[ServiceProject]:
    """Active projects the user may register requests for at the window."""
    projects = ServiceProject.objects.select_related("operator").filter(status=ServiceProject.Status.ACTIVE)
    if not user.has_perm("cases.submit_case", None):
        return projects.none()
    scope = visible_org_units(user)
    return projects if scope is None else projects.filter(operator__code__in=scope)


@dataclass(frozen=True)
class CaseFilters:
    stage: str = ""
    project: str = ""
    q: str = ""
    since: date | None = None
    until: date | None = None

    def apply(self, cases: QuerySet[ServiceCase]) -> QuerySet[ServiceCase]:
        if self.stage == "open":
            cases = cases.filter(
                stage__in=[CaseStage.INTAKE, CaseStage.MATCHING, CaseStage.FOLLOW_UP, CaseStage.FEEDBACK]
            )
        elif self.stage:
            cases = cases.filter(stage=self.stage)
        if self.project:
            cases = cases.filter(project__code=self.project)
        if self.q:
            cases = cases.filter(
                Q(case_no__icontains=self.q)
                | Q(enterprise__name__icontains=self.q)
                | Q(enterprise__credit_code__iexact=self.q)
                | Q(need__icontains=self.q)
            )
        if self.since is not None:
            cases = cases.filter(submitted_at__gte=datetime.combine(self.since, time.min, tzinfo=SHANGHAI))
        if self.until is not None:
            end = datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=SHANGHAI)
            cases = cases.filter(submitted_at__lt=end)
        return cases


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()) if raw and raw.strip() else None
    except ValueError:
        return None


def parse_filters(params: Any) -> CaseFilters:
    """Filters from a query string; unknown values are ignored rather than refused."""
    stage = (params.get("stage") or "").strip()
    if stage not in CaseStage.values and stage != "open":
        stage = ""
    return CaseFilters(
        stage=stage,
        project=(params.get("project") or "").strip()[:64],
        q=(params.get("q") or "").strip()[:100],
        since=_date(params.get("since")),
        until=_date(params.get("until")),
    )
