"""The diagram as the task, case and instance pages draw it (static/js/diagram.js): the main
process's XML (its names in the reader's language), the steps open now, the elements done, and
for a clicked step who ran it and when (from the approval record). One payload for the three
pages, so they mark a process alike."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .approval_record import Step
from .diagram_english import shown_xml
from .models import HumanTask
from .task_view import Diagram


def payload(
    diagram: Diagram | None,
    record: list[Step],
    done: frozenset[str],
    task_spec: str = "",
    task_label: str = "",
) -> dict[str, Any] | None:
    """`task_spec`: the step the page is about, marked with `task_label` ("this task" on the
    task page; the instance page marks the step it failed at)."""
    if diagram is None:
        return None
    tasks = [step.task for step in record]
    current = sorted({t.task_spec for t in tasks if t.status == HumanTask.Status.OPEN})
    finished = {t.task_spec for t in tasks if t.status == HumanTask.Status.COMPLETED}
    return {
        "xml": shown_xml(diagram.xml),
        "file": diagram.file,
        "has_layout": diagram.has_layout,
        "task": task_spec,
        "current": current,
        "done": sorted((done | finished) - set(current)),
        "labels": {"task": task_label or _("This task"), "current": _("Open"), "not_run": _("Not run yet.")},
        "history": _history(record),
    }


def _history(record: list[Step]) -> dict[str, list[dict[str, str]]]:
    runs: dict[str, list[dict[str, str]]] = {}
    for step in record:
        if step.worker and step.closed_at is not None:
            when = f"{timezone.localtime(step.closed_at):%Y-%m-%d %H:%M}"
            runs.setdefault(step.task.task_spec, []).append({"who": step.worker, "when": when})
    return runs
