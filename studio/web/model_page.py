"""A model's page: its diagram with live counts per activity, its versions, and what changed
between two of them, coloured on the diagram and listed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from workflows.models import ProcessModelVersion

from .. import catalog, diagrams, diff, trial_runs
from ..models import ModelChange, ModelDraft
from .views import require_admin


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 9 else None


def _chosen(versions: list[ProcessModelVersion], raw: str | None) -> ProcessModelVersion | None:
    number = _number(raw)
    return next((v for v in versions if v.number == number), None)


def _full(version: ProcessModelVersion) -> ProcessModelVersion:
    # The listing defers the files; this page needs them for the shown and compared versions only.
    return ProcessModelVersion.objects.select_related("process_model").get(pk=version.pk)


def _payload(version: ProcessModelVersion, changes: diff.VersionDiff | None) -> dict[str, Any] | None:
    drawn = diagrams.main_diagram(version)
    if drawn is None:
        return None
    return diagram_payload(drawn[1], catalog.activity_counts(version), changes)


def diagram_payload(
    xml: str, counts: dict[str, dict[str, int]], changes: diff.VersionDiff | None
) -> dict[str, Any]:
    """What static/js/studio_diagram.js draws: the diagram, counts per activity, and the elements
    added and changed since the compared files."""
    return {
        "xml": xml,
        "counts": counts,
        "added": [element.id for element in changes.added] if changes else [],
        "changed": [element.id for element, _ in changes.changed] if changes else [],
        "labels": {"tasks": _("open tasks"), "timers": _("waiting timers"), "errors": _("errors")},
    }


@login_required
def model_page(request: HttpRequest, key: str) -> HttpResponse:
    require_admin(request)
    row = catalog.model_row(key)
    if row is None:
        raise Http404
    versions = [version_row.version for version_row in row.versions]
    shown = _chosen(versions, request.GET.get("version")) or (versions[0] if versions else None)
    base = _chosen(versions, request.GET.get("compare"))
    changes = None
    if shown is not None:
        shown = _full(shown)
        if base is not None and base.pk != shown.pk:
            base = _full(base)
            changes = diff.compare(base.files, shown.files)
        else:
            base = None
    context = {
        "row": row,
        "shown": shown,
        "base": base,
        "changes": changes,
        "diagram": _payload(shown, changes) if shown is not None else None,
        "open_statuses": [(status, status.label) for status in catalog.SHOWN_STATUSES],
        "test_runs": trial_runs.of(request.user, key),
        "has_draft": ModelDraft.objects.filter(process_model=row.model).exists(),
        "changes_list": ModelChange.objects.filter(process_model=row.model).select_related(
            "author", "decided_by"
        )[:10],
        "before_label": _("Version %(n)s") % {"n": base.number} if base else "",
        "after_label": _("Version %(n)s") % {"n": shown.number} if shown else "",
    }
    return render(request, "studio/model.html", context)
