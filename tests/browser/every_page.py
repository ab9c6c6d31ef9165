"""Which pages the every-page walk visits (tests/browser/test_every_page.py), worked out from the
URL configuration against the demo programme's data.

Every named URL outside the API and the Django admin site is a page (its arguments come from
ARGUMENTS when it has any), an action (every persona's GET is refused with 405), or named in
NOT_PAGES with the reason it is not a page, so a new page without an entry fails the walk instead
of being skipped silently. Who opens a page is found by asking: the first persona, in PERSONAS'
order, whose GET answers 200 with HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEvent
from casemgmt.models import (
    ServiceCase,
    ServiceProject,
    ServiceStation,
    StationStaff,
)
from casemgmt.scorecard.models import Evaluation, SubItemScore
from studio.models import MigrationBatch, ModelChange
from workflows.models import HumanTask, ProcessInstance

# The demo users of manage.py seed_demo, in the order a page is tried (the anonymous visitor last).
PERSONAS = ("operator", "office", "reviewer", "admin", "auditor", "enterprise", "")

# Named URLs that are not pages a person reads: POST-only actions, downloads, redirects.
NOT_PAGES: dict[str, str] = {
    **dict.fromkeys(
        (
            "archive-sheet-enterprise-xlsx", "archive-sheet-project-xlsx", "instance-record-xlsx",
            "audit-export-csv", "audit-export-xlsx", "scorecard-pdf", "scorecard-xlsx",
            "scorecard-evidence", "promotion-package", "studio-download",
        ),
        "a download",
    ),
    "lookup-options": "a fragment of <option>s for a picker",
    "notification-open": "marks a notification read and redirects to its subject",
    "logout": "signs out",
    "set_language": "switches the language and redirects",
    "public-receipt": "shown once, to the session that submitted the request",
    "public-status": "for the session that looked the case up with its contact phone",
    "password_reset_confirm": "needs a token from an e-mail",
    "promotion-apply": "open only while a project waits at its application",
}  # fmt: skip


def _first(rows: Any) -> Any:
    found = rows.first()
    assert found is not None, f"the demo has no {rows.model.__name__} for the walk"
    return found


def _task() -> dict[str, Any]:
    return {"pk": _first(HumanTask.objects.filter(status="open", task_spec="review").order_by("pk")).pk}


def _case() -> ServiceCase:
    return _first(ServiceCase.objects.filter(instance__isnull=False).order_by("pk"))


def _project() -> ServiceProject:
    return _first(ServiceProject.objects.filter(code="street-fangsong"))


def _computed_item() -> dict[str, Any]:
    item = _first(
        SubItemScore.objects.exclude(sub_item__source="")
        .filter(score__evaluation__status="draft")
        .order_by("pk")
    )
    return {"pk": item.score.evaluation_id, "item_pk": item.pk}


ARGUMENTS: dict[str, Callable[[], dict[str, Any]]] = {
    "task-detail-page": _task,
    "registry-project": lambda: {"code": _project().code},
    "registry-station-create": lambda: {"code": _project().code},
    "registry-station-edit": lambda: {"pk": _first(ServiceStation.objects.order_by("pk")).pk},
    "registry-staff-add": lambda: {"pk": _first(ServiceStation.objects.order_by("pk")).pk},
    "registry-staff-edit": lambda: {"pk": _first(StationStaff.objects.order_by("pk")).pk},
    "registry-enterprise": lambda: {"credit_code": _case().enterprise.credit_code},
    "registry-enterprise-edit": lambda: {"credit_code": _case().enterprise.credit_code},
    "cases-detail": lambda: {"pk": _case().pk},
    "cases-receipt": lambda: {"pk": _case().pk},
    "archive-enterprise": lambda: {"pk": _case().enterprise_id},
    "archive-outcome-new-enterprise": lambda: {"pk": _case().enterprise_id},
    "archive-sheet-enterprise": lambda: {"pk": _case().enterprise_id},
    "archive-outcome-new-case": lambda: {"pk": _case().pk},
    "archive-project-outcomes": lambda: {"pk": _project().pk},
    "archive-outcome-new-project": lambda: {"pk": _project().pk},
    "archive-sheet-project": lambda: {"pk": _project().pk},
    "archive-outcome-correct": lambda: {"pk": _first(_project().outcomes.order_by("pk")).pk},
    "instance-admin-detail": lambda: {"pk": _first(ProcessInstance.objects.filter(status="error")).pk},
    "instance-record": lambda: {"pk": _case().instance_id},
    "audit-event": lambda: {"pk": _first(AuditEvent.objects.order_by("-pk")).pk},
    "audit-case-timeline": lambda: {"key": _case().case_no},
    "scorecard-detail": lambda: {"pk": _first(Evaluation.objects.filter(status="draft").order_by("pk")).pk},
    "scorecard-records": _computed_item,
    "scorecard-whatif": lambda: {"pk": _first(Evaluation.objects.order_by("pk")).pk},
    "scorecard-project-whatif": lambda: {"pk": _project().pk},
    "scorecard-typical-case-create": dict,
    "promotion-project": lambda: {"pk": _project().pk},
    "studio-model": lambda: {"key": "service_case"},
    "studio-editor": lambda: {"key": "service_case"},
    "studio-decision-editor": lambda: {"key": "site_promotion", "name": "score_band.dmn"},
    "studio-form-create": lambda: {"key": "service_case"},
    "studio-form-designer": lambda: {"key": "service_case", "name": "service_case_review.json"},
    "studio-change": lambda: {"pk": _first(ModelChange.objects.order_by("pk")).pk},
    "studio-migrate": lambda: {"key": "service_case"},
    "studio-batch": lambda: {"pk": _first(MigrationBatch.objects.order_by("pk")).pk},
}


def _named(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named(pattern.url_patterns, prefix + str(pattern.pattern))
        elif pattern.name:
            yield prefix + str(pattern.pattern), pattern


def page_names() -> dict[str, dict[str, Any]]:
    """Every named URL outside the API and the Django admin, with placeholder arguments (an
    action refuses a GET before it looks anything up; a page needs real ones, from ARGUMENTS)."""
    names: dict[str, dict[str, Any]] = {}
    for route, pattern in _named(get_resolver().url_patterns):
        if route.startswith(("api/", "django-admin/", "admin/", "static/", "healthz", "metrics")):
            continue
        assert pattern.name is not None
        converters = getattr(pattern.pattern, "converters", {})
        names[pattern.name] = {
            key: 1 if type(c).__name__ == "IntConverter" else "x" for key, c in converters.items()
        }
    return names


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    persona: str  # "" for the anonymous visitor


def plan(clients: dict[str, Client]) -> tuple[list[Visit], list[str]]:
    """The visits, and the page names nobody could open (which the walk reports)."""
    visits: list[Visit] = []
    unreached: list[str] = []
    for name, placeholders in sorted(page_names().items()):
        if name in NOT_PAGES:
            continue
        if placeholders and name not in ARGUMENTS:
            # Only an action may go without real arguments: it refuses every GET before it looks
            # anything up. A page that happened to find row 1 would pass here and fail elsewhere.
            path = reverse(name, kwargs=placeholders)
            if {clients[p].get(path).status_code for p in PERSONAS if p} != {405}:
                unreached.append(name)
            continue
        kwargs = ARGUMENTS[name]() if name in ARGUMENTS else {}
        path = reverse(name, kwargs=kwargs)
        statuses = set()
        for persona in PERSONAS:
            answer = clients[persona].get(path)
            statuses.add(answer.status_code)
            if answer.status_code == 200 and answer["Content-Type"].startswith("text/html"):
                visits.append(Visit(name, path, persona))
                break
        else:
            if statuses - {302, 405} or 405 not in statuses:  # anonymous: 302 to sign in first
                unreached.append(name)
    return visits, unreached
