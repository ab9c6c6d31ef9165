"""What the deployed diagrams contain, read from the cached specs rather than from task rows."""

from __future__ import annotations

from .models import ProcessModelVersion
from .spec_cache import compiled


def human_task_specs() -> dict[str, str]:
    """task spec id → title, over the latest version of every process model."""
    found: dict[str, str] = {}
    latest = ProcessModelVersion.objects.order_by("process_model_id", "-number").distinct("process_model_id")
    for version in latest:
        specs = [compiled(version).spec, *compiled(version).subprocess_specs.values()]
        for spec in specs:
            for task_spec in spec.task_specs.values():
                if getattr(task_spec, "manual", False):
                    found.setdefault(task_spec.name, getattr(task_spec, "bpmn_name", None) or task_spec.name)
    return found
