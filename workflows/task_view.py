"""What a page showing one human task needs from the engine, without touching the engine itself.

The task page (casemgmt/inbox/task_page.py) shows the task's data in the workflow (its
instructions substitute it), which BPMN elements are already done, and the diagram of the main
process. Reading those means loading the instance's Spiff state and parsing the deployed BPMN;
`describe_task` does both and answers plain data, so the page imports neither SpiffWorkflow nor
lxml.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.util.task import TaskState

from .models import HumanTask, ProcessInstance, ProcessModelVersion
from .parsing import BPMN_NS, safe_xml_parser
from .runtime import find_task, load_workflow

logger = logging.getLogger(__name__)

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
_MAIN_FILES_MAX = 512


@dataclass(frozen=True)
class Diagram:
    """The .bpmn file that defines the version's main process."""

    file: str
    xml: str
    has_layout: bool  # it has shapes to draw (a diagram without DI has nothing to show)


@dataclass(frozen=True)
class TaskView:
    # The task's data in the workflow (the last task's, or the workflow's, once the task is gone);
    # empty when the instance has no state yet or its state no longer loads.
    data: dict[str, Any]
    # BPMN ids of the tasks the engine has completed.
    done: frozenset[str]
    diagram: Diagram | None


def describe_task(task: HumanTask) -> TaskView:
    """The engine's side of a task page: workflow data, elements done, the main diagram.

    Never raises for a broken state: a state that no longer loads must not take the page down
    (the rows still tell most), so it is logged and read as empty.
    """
    data, done = _workflow_data(task.instance, task)
    return TaskView(data=data, done=done, diagram=main_diagram(task.instance.version))


def elements_done(instance: ProcessInstance) -> frozenset[str]:
    """The BPMN ids the engine has completed in the instance (for the case and instance pages'
    diagrams); empty when it has no state or the state no longer loads."""
    return _workflow_data(instance, None)[1]


def _workflow_data(
    instance: ProcessInstance, task: HumanTask | None
) -> tuple[dict[str, Any], frozenset[str]]:
    if not instance.state or instance.state == "{}":
        return {}, frozenset()
    try:
        workflow = load_workflow(instance)
    except Exception:
        logger.exception("could not load the workflow of instance %s", instance.pk)
        return {}, frozenset()
    spiff_task = find_task(workflow, task.spiff_task_id) if task is not None else None
    source = spiff_task or workflow.last_task
    data = dict(source.data) if source is not None else dict(workflow.data)
    done = frozenset(
        t.task_spec.bpmn_id
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if getattr(t.task_spec, "bpmn_id", None)
    )
    return data, done


# Versions never change, so which file holds the main process is cached per content hash.
_main_files: dict[str, tuple[str, bool] | None] = {}
_main_files_lock = threading.Lock()


def main_diagram(version: ProcessModelVersion) -> Diagram | None:
    """The file defining the version's main process (None when no parsable file does)."""
    found = _main_file(version)
    if found is None:
        return None
    name, has_layout = found
    return Diagram(file=name, xml=version.files[name], has_layout=has_layout)


def _main_file(version: ProcessModelVersion) -> tuple[str, bool] | None:
    key = f"{version.content_hash}:{version.main_process_id}"
    if key in _main_files:
        return _main_files[key]
    found: tuple[str, bool] | None = None
    for name, text in sorted(version.files.items()):
        if not name.endswith(".bpmn") or "<!DOCTYPE" in text:
            continue
        try:
            root = etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
        except etree.XMLSyntaxError:
            continue
        ids = {p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")}
        if version.main_process_id in ids:
            found = (name, root.find(f".//{{{BPMNDI_NS}}}BPMNShape") is not None)
            break
    with _main_files_lock:
        if len(_main_files) > _MAIN_FILES_MAX:
            _main_files.clear()
        _main_files[key] = found
    return found
