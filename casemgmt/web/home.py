"""The home page: what each role does, first. Pending and overdue work with the next few tasks,
the cases last handled, and the quick links of the role; an enterprise user sees their requests
and the feedback they have yet to give, an auditor the audit trail, a process admin the
instances in error. A user with several roles sees each role's part.

Each part is a few small queries over indexed columns; the header's counts are reused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from audit.models import AuditEvent
from casemgmt.models.service_case import OPEN_STAGES, CaseStage
from casemgmt.org.directory import roles_of
from casemgmt.org.roles import Role
from casemgmt.org.scopes import visible_cases, visible_projects
from workflows.models import InstanceStatus, ProcessInstance
from workflows.queries.tasks import view_tasks

SHOWN = 5
WORKING_ROLES = {Role.OPERATOR.value, Role.OFFICE_STAFF.value, Role.DISTRICT_REVIEWER.value}


@dataclass
class Link:
    label: Any
    url: str
    testid: str


@dataclass
class Home:
    work: dict[str, Any] | None = None
    enterprise: dict[str, Any] | None = None
    audit: list[AuditEvent] | None = None
    admin: dict[str, Any] | None = None
    links: list[Link] = field(default_factory=list)


def _work(user: Any) -> dict[str, Any]:
    """The tasks that wait (nearest due first) and the ones last completed."""
    waiting = view_tasks(user, "inbox").order_by(F("due_at").asc(nulls_last=True), "-priority", "id")
    done = view_tasks(user, "completed")
    return {"waiting": list(waiting[:SHOWN]), "done": list(done[:SHOWN])}


def _enterprise(user: Any) -> dict[str, Any]:
    mine = visible_cases(user).select_related("project").order_by("-id")
    return {
        "open": list(mine.filter(stage__in=OPEN_STAGES)[:SHOWN]),
        "feedback": list(mine.filter(stage=CaseStage.FEEDBACK)[:SHOWN]),
    }


def _admin() -> dict[str, Any]:
    failed = ProcessInstance.objects.filter(status=InstanceStatus.ERROR, is_test=False)
    return {
        "errors": list(
            failed.select_related("version__process_model").defer("state").order_by("-id")[:SHOWN]
        ),
        "error_count": failed.count(),
    }


def _links(user: Any, roles: set[str]) -> list[Link]:
    candidates = [
        (bool(roles & WORKING_ROLES), _("Inbox"), "inbox", "link-inbox"),
        (user.has_perm("casemgmt.view_board"), _("Board"), "board", "link-board"),
        (bool(roles), _("Service cases"), "cases-list", "link-cases"),
        (Role.ENTERPRISE.value in roles, _("Submit a service request"), "public-intake", "link-new-request"),
        (
            user.has_perm("scorecard.view_evaluation_list"),
            _("Scorecards"),
            "scorecard-list",
            "link-scorecards",
        ),
        (user.has_perm("promotion.view_report"), _("Promotion"), "promotion-report", "link-promotion"),
        (user.has_perm("audit.view_events"), _("Audit"), "audit-review", "link-audit"),
        (user.has_perm("audit.view_events"), _("Access log"), "audit-access", "link-access-log"),
        (user.has_perm("workflows.deploy_model"), _("Process studio"), "studio-models", "link-studio"),
        (user.has_perm("workflows.manage_instance"), _("Instances"), "instance-admin", "link-instances"),
    ]
    links = [Link(label, reverse(name), testid) for shown, label, name, testid in candidates if shown]
    if Role.OPERATOR.value in roles:
        # An operating organization's own projects: their scorecards and promotion in one place.
        for project in visible_projects(user).order_by("code")[:SHOWN]:
            label = format_lazy(_("Assessment of {project}"), project=project.name)
            url = reverse("promotion-project", args=[project.pk])
            links.append(Link(label, url, "link-project-promotion"))
    return links


def build(user: Any) -> Home:
    roles = roles_of(user)
    home = Home(links=_links(user, roles))
    if roles & WORKING_ROLES:
        home.work = _work(user)
    if Role.ENTERPRISE.value in roles:
        home.enterprise = _enterprise(user)
    if user.has_perm("audit.view_events"):
        home.audit = list(AuditEvent.objects.select_related("actor").order_by("-id")[:SHOWN])
    if user.has_perm("workflows.manage_instance"):
        home.admin = _admin()
    return home


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "casemgmt/home.html", {"home": build(request.user)})
