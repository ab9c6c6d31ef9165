"""What the deployed diagrams contain, read from the cached specs rather than from task rows, and
the names they give their process and elements in the reader's language.

A diagram names things in Chinese (`name`); the English name is the `nameEn` property
(task_settings.NAME_EN_PROPERTY) on the same element, a `spiffworkflow:property` like the task
settings, on the process and on any flow node. An English page shows it where one is given and
the Chinese name otherwise; a Chinese page never reads it. Both languages of a version are
worked out together, once per version, so the first request's language decides nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from core.request_cache import per_user

from .models import HumanTask, ProcessInstance, ProcessModel, ProcessModelVersion
from .parsing import NSMAP, read_files
from .rows import cached_version
from .spec_cache import compiled
from .task_settings import NAME_EN_PROPERTY
from .title_parts import shown_part
from .validation import task_properties

# A name longer than a task row's title would not be shown whole anyway.
MAX_NAME = 300


def in_english() -> bool:
    """Whether the page is in English (the language switch's "en")."""
    return (get_language() or "").startswith("en")


@dataclass(frozen=True)
class Label:
    """One name in both languages; `en` is empty where the diagram gives none."""

    zh: str
    en: str = ""

    def shown(self) -> str:
        return self.en if self.en and in_english() else self.zh


@dataclass(frozen=True)
class DiagramNames:
    process: Label
    # By task spec name (the element id; a loop's inner spec under its own name).
    elements: dict[str, Label]


_names: dict[str, DiagramNames] = {}
_lock = threading.Lock()
_NAMES_MAX = 512


def _english_names(files: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """{element id: nameEn} over the version's diagrams, and {process id: its Chinese name}."""
    english: dict[str, str] = {}
    processes: dict[str, str] = {}
    for root in read_files(files).bpmn.values():
        for process in root.iterfind("bpmn:process", NSMAP):
            processes.setdefault(str(process.get("id") or ""), str(process.get("name") or ""))
        for holder in root.iterfind(".//bpmn:extensionElements", NSMAP):
            owner = holder.getparent()
            text = task_properties(owner).get(NAME_EN_PROPERTY, "").strip() if owner is not None else ""
            if text and owner is not None and owner.get("id"):
                english.setdefault(str(owner.get("id")), text[:MAX_NAME])
    return english, processes


def _build(version: ProcessModelVersion) -> DiagramNames:
    english, processes = _english_names(version.files)
    main = version.main_process_id
    process = Label(processes.get(main, ""), english.get(main, ""))
    found = compiled(version)
    elements: dict[str, Label] = {}
    for spec in (found.spec, *found.subprocess_specs.values()):
        for name, task_spec in spec.task_specs.items():
            chinese = getattr(task_spec, "bpmn_name", None) or ""
            element = getattr(task_spec, "bpmn_id", None) or ""
            elements.setdefault(name, Label(str(chinese), english.get(str(element), "")))
    return DiagramNames(process, elements)


def diagram_names(version: ProcessModelVersion) -> DiagramNames:
    """The version's names in both languages. Versions never change: worked out once per
    process, keyed by content (as the compiled specs are) so that an id reused by another
    database can never bring back another version's names."""
    if version.get_deferred_fields() & {"content_hash", "main_process_id"}:
        # A list's row brings its version without them (workflows/queries/task_pages.list_rows):
        # the version is read once per process rather than once per row.
        version = cached_version(version.pk)
    key = f"{version.content_hash}:{version.main_process_id}"
    found = _names.get(key)
    if found is None:
        with _lock:
            found = _names.get(key)
            if found is None:
                found = _build(version)
                if len(_names) > _NAMES_MAX:
                    _names.clear()
                _names[key] = found
    return found


def process_name(version: ProcessModelVersion) -> str:
    """The process a version runs, in the reader's language: the diagram's English name on an
    English page where it gives one, else the model's name (what the deployer called it)."""
    if in_english():
        english = diagram_names(version).process.en
        if english:
            return english
    return str(version.process_model.name)


def model_choices() -> list[tuple[str, str]]:
    """(key, name in the reader's language) of every model, by key: for the filters' selects. The
    English name is the newest version's (a model is created with its first version); only
    versions not yet worked out load their files."""
    if not in_english():
        return list(ProcessModel.objects.order_by("key").values_list("key", "name"))
    newest = (
        ProcessModelVersion.objects.select_related("process_model")
        .order_by("process_model_id", "-number")
        .distinct("process_model_id")
        .only(
            "id",
            "content_hash",
            "main_process_id",
            "process_model",
            "process_model__key",
            "process_model__name",
        )
    )
    return sorted((version.process_model.key, process_name(version)) for version in newest)


def _label(version: ProcessModelVersion, spec_name: str) -> Label | None:
    return diagram_names(version).elements.get(spec_name)


def element_name(version_id: int, spec_name: str) -> str:
    """The name a diagram gives element `spec_name` (a step people can recognise) in the
    reader's language, else its id."""
    if not spec_name:
        return ""
    found = _label(cached_version(version_id), spec_name)
    return (found.shown() if found is not None else "") or spec_name


def spec_label(version_id: int, task_spec: Any) -> str:
    """The name of a spec object met while walking a version's workflow: the version's own
    element in the reader's language; a spec from elsewhere (a model called by key) by its
    Chinese name."""
    chinese = str(
        getattr(task_spec, "bpmn_name", None) or getattr(task_spec, "bpmn_id", None) or task_spec.name
    )
    found = _label(cached_version(version_id), str(task_spec.name))
    if found is not None and found.zh == getattr(task_spec, "bpmn_name", None) and found.en and in_english():
        return found.en
    return chinese


def task_title(task: HumanTask, version: ProcessModelVersion | None = None, user: Any = None) -> str:
    """A task row's title in the reader's language. `version`: the instance's version, where the
    caller has it; else the row's instance's, looked up once per request and instance (kept on
    `user`, the request's user) unless the row came with its instance."""
    if not in_english():
        return str(task.title)
    if version is None:
        version = cached_version(_version_id(task, user))
    return _swapped(version, task.task_spec, str(task.title))


def title_shown(version_id: int, spec_name: str, title: str) -> str:
    """A title kept with a task row of element `spec_name`, in the reader's language."""
    return _swapped(cached_version(version_id), spec_name, title) if in_english() else title


def _swapped(version: ProcessModelVersion, spec_name: str, title: str) -> str:
    """A row keeps the Chinese title it was opened with, which may carry a countersign's or an
    added signer's part after the element's name: the name is swapped for the English one (where
    the diagram gives one) and the part put in English (title_parts)."""
    found = _label(version, spec_name)
    if found is None or not found.zh or not title.startswith(found.zh):
        return title
    return (found.en or found.zh) + shown_part(title[len(found.zh) :])


def _version_id(task: HumanTask, user: Any) -> int:
    if HumanTask.instance.is_cached(task):
        return int(task.instance.version_id)
    instance_id = task.instance_id
    return per_user(
        user,
        ("instance_version", instance_id),
        lambda: int(
            ProcessInstance.objects.filter(pk=instance_id).values_list("version_id", flat=True).get()
        ),
    )


def human_task_specs() -> dict[str, str]:
    """task spec id → title in the reader's language, over the latest version of every model."""
    found: dict[str, str] = {}
    latest = ProcessModelVersion.objects.order_by("process_model_id", "-number").distinct("process_model_id")
    for version in latest:
        specs = [compiled(version).spec, *compiled(version).subprocess_specs.values()]
        names = diagram_names(version).elements
        for spec in specs:
            for task_spec in spec.task_specs.values():
                if getattr(task_spec, "manual", False):
                    label = names.get(task_spec.name)
                    found.setdefault(task_spec.name, (label.shown() if label else "") or task_spec.name)
    return found


def titles_by_id(tasks: Iterable[HumanTask], version: ProcessModelVersion) -> dict[str, str]:
    """{task id: title in the reader's language} for rows of one instance (running `version`)."""
    return {str(task.pk): task_title(task, version) for task in tasks}
