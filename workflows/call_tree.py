"""The calls an instance has made, for the instance pages and the API: which call activity called
which model and version, how that call stands, and the human tasks open inside it.

Read from the loaded workflow (Spiff keeps every subprocess, finished ones too, until the instance
ends) and the instance's open task rows; a called version is the pin its subprocess carries
(workflows/call_specs.py), so the page shows the version the call really runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import call_specs, catalog, rows, runtime
from .models import HumanTask, InstanceStatus, ProcessInstance

_STATUS = {
    TaskState.COMPLETED: InstanceStatus.COMPLETED,
    TaskState.CANCELLED: InstanceStatus.TERMINATED,
    TaskState.ERROR: InstanceStatus.ERROR,
}


@dataclass
class CallNode:
    call_activity: str
    name: str
    called_element: str
    model_key: str
    version: int
    status: InstanceStatus
    # 1 for a call the instance's own process makes, 2 for a call inside that one, and so on.
    depth: int
    open_tasks: list[HumanTask] = field(default_factory=list)

    @property
    def status_label(self) -> str | Promise:
        return self.status.label

    @property
    def indent(self) -> str:
        return "　" * (self.depth - 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "call_activity": self.call_activity,
            "name": self.name,
            "called_element": self.called_element,
            "model_key": self.model_key,
            "version": self.version,
            "status": self.status.value,
            "depth": self.depth,
            "open_tasks": [
                {
                    "id": row.pk,
                    "task_spec": row.task_spec,
                    "title": row.title,
                    "candidate_group": row.candidate_group,
                    "assignee": row.assignee.get_username() if row.assignee else None,
                }
                for row in self.open_tasks
            ],
        }


def _enclosing_call(top: BpmnWorkflow, task: Task) -> Task | None:
    """The call-activity task whose called process `task` runs in (through any embedded
    subprocesses of that process); None for a task of the instance's own process."""
    current = task.workflow
    while current is not top:
        parent = runtime.find_task(top, current.parent_task_id)
        if parent is None:
            return None
        if call_specs.is_call(parent.task_spec):
            return parent
        current = parent.workflow
    return None


def calls_of(instance: ProcessInstance, workflow: BpmnWorkflow | None = None) -> list[CallNode]:
    """The instance's calls in the order of its task tree, each with its open human tasks."""
    if not instance.state or instance.state == "{}":
        return []
    top = workflow if workflow is not None else runtime.load_workflow(instance)
    nodes: dict[Any, CallNode] = {}
    for task in top.get_tasks():
        subprocess = top.subprocesses.get(task.id)
        if subprocess is None or not call_specs.is_call(task.task_spec):
            continue
        pin = call_specs.pin_of(subprocess.spec)
        version = rows.cached_version(pin[0]) if pin is not None else rows.attach_version(instance)
        outer = _enclosing_call(top, task)
        nodes[task.id] = CallNode(
            call_activity=task.task_spec.bpmn_id or task.task_spec.name,
            name=catalog.spec_label(instance.version_id, task.task_spec) if task.task_spec.bpmn_name else "",
            called_element=call_specs.called_element(task.task_spec),
            model_key=version.process_model.key,
            version=version.number,
            status=_STATUS.get(task.state, InstanceStatus.RUNNING),
            depth=nodes[outer.id].depth + 1 if outer is not None and outer.id in nodes else 1,
        )
    if nodes:
        open_rows = instance.human_tasks.filter(status=HumanTask.Status.OPEN).select_related("assignee")
        for row in open_rows.order_by("id"):
            found = runtime.find_task(top, row.spiff_task_id)
            call = _enclosing_call(top, found) if found is not None else None
            if call is not None and call.id in nodes:
                nodes[call.id].open_tasks.append(row)
    return list(nodes.values())
