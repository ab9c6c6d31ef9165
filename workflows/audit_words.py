"""A task's and an instance's audit payloads in words, for the audit pages (registered from
WorkflowsConfig.ready).

A completed task's event records the form data as `data.<property>`; its label is the form's
own title of that property, and a coded value's label its `oneOf` title, from the version the
task ran in. The keys the engine writes itself (workflows.guard.task_summary, completion) get
fixed labels. One query for the tasks of a page; the forms come from the parsed-version cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.web.diff import key_path
from audit.web.words import FieldWords, register_payload_words

from .catalog import element_name
from .models import HumanTask, InstanceStatus, ProcessInstance
from .rows import cached_version
from .spec_cache import compiled

# The form designer's English title beside the Chinese `title` (studio/form_fields.py).
TITLE_EN = "x-title-en"

_ENGINE_KEYS = {
    "title": _("Task"),
    "candidate_group": _("Candidate group"),
    "assignee": _("Assignee"),
    "opinion": _("Opinion"),
    "data": _("Form data"),
}


def register() -> None:
    register_payload_words("task", task_words)
    register_payload_words("instance", instance_words)


def instance_words(events: Sequence[AuditEvent]) -> dict[int, dict[str, FieldWords]]:
    """An instance's status by its label, and the step it failed at by the diagram's name."""
    fixed = {
        "status": FieldWords(_("Status"), dict(InstanceStatus.choices)),
        "error": FieldWords(_("Error")),
    }
    failed = {e.pk: str((e.after or {}).get("task_spec") or "") for e in events if isinstance(e.after, dict)}
    ids = {e.instance_id for e in events if failed.get(e.pk) and e.instance_id is not None}
    versions = dict(ProcessInstance.objects.filter(pk__in=ids).values_list("pk", "version_id")) if ids else {}
    found: dict[int, dict[str, FieldWords]] = {}
    for event in events:
        spec, version_id = failed.get(event.pk, ""), versions.get(event.instance_id or 0)
        step = {spec: element_name(version_id, spec)} if spec and version_id is not None else {}
        found[event.pk] = {**fixed, "task_spec": FieldWords(_("Step"), step)}
    return found


def task_words(events: Sequence[AuditEvent]) -> dict[int, dict[str, FieldWords]]:
    ids = {int(event.target_id) for event in events if event.target_id.isdigit()}
    tasks = {
        pk: (spec, title, form_file, version_id)
        for pk, spec, title, form_file, version_id in HumanTask.objects.filter(pk__in=ids).values_list(
            "pk", "task_spec", "title", "form_file", "instance__version_id"
        )
    }
    fixed = {key: FieldWords(label) for key, label in _ENGINE_KEYS.items()}
    fixed["status"] = FieldWords(_("Status"), dict(HumanTask.Status.choices))
    forms: dict[tuple[int, str], dict[str, FieldWords]] = {}
    found: dict[int, dict[str, FieldWords]] = {}
    for event in events:
        task = tasks.get(int(event.target_id)) if event.target_id.isdigit() else None
        if task is None:
            found[event.pk] = fixed
            continue
        spec, title, form_file, version_id = task
        if (version_id, form_file) not in forms:
            forms[(version_id, form_file)] = _form_words(version_id, form_file)
        # The step by its diagram name in the reader's language, else the title the task got.
        name = element_name(version_id, spec)
        step = FieldWords(_("Step"), {spec: title if name == spec else name})
        found[event.pk] = {**fixed, "task_spec": step, **forms[(version_id, form_file)]}
    return found


def _form_words(version_id: int, form_file: str) -> dict[str, FieldWords]:
    schema = compiled(cached_version(version_id)).forms.get(form_file) if form_file else None
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return {}
    words: dict[str, FieldWords] = {}
    for name, prop in properties.items():
        if not isinstance(prop, Mapping):
            continue
        title = _title(prop)
        if title:
            items = prop.get("items")
            options = prop.get("oneOf") or (items.get("oneOf") if isinstance(items, Mapping) else None)
            words[key_path("data", str(name))] = FieldWords(title, _option_titles(options))
    return words


def _option_titles(options: Any) -> dict[str, str]:
    if not isinstance(options, list):
        return {}
    return {
        str(option["const"]): _title(option) or str(option["const"])
        for option in options
        if isinstance(option, Mapping)
        and isinstance(option.get("const"), str | int)
        and not isinstance(option.get("const"), bool)
    }


def _title(item: Mapping[str, Any]) -> str:
    english = item.get(TITLE_EN)
    if (get_language() or "").startswith("en") and isinstance(english, str) and english:
        return english
    title = item.get("title")
    return title if isinstance(title, str) else ""
