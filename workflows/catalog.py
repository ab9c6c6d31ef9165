"""What the deployed diagrams contain, read from the cached specs rather than from task rows."""

from __future__ import annotations

from .models import ProcessModelVersion
from .rows import cached_version
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


def element_name(version_id: int, spec_name: str) -> str:
    """The name a diagram gives element `spec_name` (a step people can recognise), else its id."""
    if not spec_name:
        return ""
    found = compiled(cached_version(version_id))
    for spec in (found.spec, *found.subprocess_specs.values()):
        task_spec = spec.task_specs.get(spec_name)
        if task_spec is not None:
            return str(getattr(task_spec, "bpmn_name", None) or spec_name)
    return spec_name
