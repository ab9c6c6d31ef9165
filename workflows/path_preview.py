"""流程预测 (path preview): before submitting, the holder of an open task sees the next human steps
and who would get them. The diagram is walked statically from the task's spec: nothing runs, nothing
is saved. Gateway conditions are evaluated by the sandbox (expressions.evaluate: the engine's
admission and budgets) over the task's data with the entered, untrusted data merged on top. Script,
service and DMN steps are passed over unrun, so the preview says it may change after them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit, _EndJoin
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent, EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptEngineTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.dmn.specs import BusinessRuleTaskMixin

from core.errors import Conflict, InvalidInput
from core.service import Actor, require

from . import catalog, countersign, expressions, human_tasks, registry, runtime
from .guard import get_instance, get_task
from .models import WORKABLE_STATUSES, HumanTask, ProcessInstance
from .sandbox import limits

# A preview is read on a click: a diagram with many branches is cut short, never walked whole.
MAX_STEPS = 20
MAX_NODES = 200


@dataclass(frozen=True)
class Candidate:
    """Who would get a next step: a candidate group (role at an org unit) or a named signer."""

    group: str = ""
    role: str = ""
    role_label: str = ""
    org_unit_code: str = ""
    user: str = ""


@dataclass
class NextStep:
    kind: str  # "task", "subprocess", "end", or "undetermined" (a branch whose condition failed)
    spec: str
    name: str
    candidates: list[Candidate] = field(default_factory=list)
    countersign: bool = False
    condition: str = ""  # for "undetermined": the condition that could not be evaluated


@dataclass
class Preview:
    steps: list[NextStep]
    uncertain: bool
    notes: list[str]


@dataclass(frozen=True)
class _Node:
    spec: Any
    workflow: Any  # the Spiff (sub)workflow whose spec holds `spec`
    computed: bool  # a script, service or DMN step lies before it on this path


def preview_task(task_id: int, *, actor: Actor, data: Any) -> Preview:
    """The preview for whoever may work the open task now; reads only."""
    task = get_task(task_id)
    require(actor, "workflows.work_task", task)
    if task.status != HumanTask.Status.OPEN:
        raise Conflict("The task is no longer open.", "该任务已不是待办状态。", code="closed")
    if not isinstance(data, dict):
        raise InvalidInput.on_field("data", "invalid", "表单数据须为对象", "the data must be an object")
    # The instance as committed now: a row's cached instance may predate later turns.
    task.instance = get_instance(task.instance_id)
    if task.instance.status not in WORKABLE_STATUSES:
        raise Conflict("The case cannot be worked on now.", "流程当前不能办理。", code="instance_state")
    return preview(task, data)


def preview(task: HumanTask, data: dict[str, Any]) -> Preview:
    workflow = runtime.load_workflow(task.instance)
    current = runtime.find_task(workflow, task.spiff_task_id)
    if current is None:
        raise Conflict("The task is not ready in the workflow.", "该任务在流程中未就绪。", code="not_ready")
    walk = _Walk(task.instance, {**current.data, **_submittable(task, data)})
    spec, parent = current.task_spec, current.parent
    if not spec.outputs and parent is not None and isinstance(parent.task_spec, LoopTask):
        # One signer's part of a countersign: the flow goes on from the multi-instance task.
        spec = parent.task_spec
        walk.note(_("Other signers may have to sign before the process moves on."))
    with limits.engine_turn():  # one budget for all the preview's conditions, as for a turn
        walk.run([_Node(out, current.workflow, False) for out in spec.outputs])
    return walk.preview


def _submittable(task: HumanTask, data: dict[str, Any]) -> dict[str, Any]:
    """What completing the task could merge: a task without a form takes no data, a closed form
    only its fields (forms.validate_task_data). Routing on anything else would mislead."""
    schema = human_tasks.form_schema(task)
    fields = (schema or {}).get("properties") or {}
    closed = schema is None or schema.get("additionalProperties") is False
    return {k: v for k, v in data.items() if k in fields} if closed else dict(data)


class _Walk:
    def __init__(self, instance: ProcessInstance, data: dict[str, Any]) -> None:
        self.instance, self.data = instance, data
        self.preview = Preview([], False, [])
        self.resolver = registry.lane_resolver()
        # The engine knows roles by lane only: a role's label is the one its lane choice shows.
        roles = ((self.resolver.role_for_lane(lane), label) for lane, label in self.resolver.lane_choices())
        self.role_labels = {role: label for role, label in roles if role}

    def note(self, text: str, uncertain: bool = False) -> None:
        if text not in self.preview.notes:
            self.preview.notes.append(text)
        self.preview.uncertain = self.preview.uncertain or uncertain

    def add(self, step: NextStep) -> None:
        if all((s.kind, s.spec) != (step.kind, step.spec) for s in self.preview.steps):
            self.preview.steps.append(step)

    def run(self, start: list[_Node]) -> None:
        queue, seen = deque(start), set[tuple[int, str]]()  # `seen`: loops in the diagram end
        while queue:
            node = queue.popleft()
            key = (id(node.workflow), node.spec.name)
            if key in seen:
                continue
            if len(self.preview.steps) >= MAX_STEPS or len(seen) >= MAX_NODES:
                self.note(_("The preview stops here: the diagram has too many branches."), uncertain=True)
                return
            seen.add(key)
            queue.extend(self.visit(node))

    def visit(self, node: _Node) -> list[_Node]:
        spec = node.spec
        if isinstance(spec, EndEvent | _EndJoin):
            return self.ended(node)
        if _inner(spec, node.workflow).manual:
            self.human_step(node)
            return []
        if isinstance(spec, SubWorkflowTask):
            # Not descended into: its own diagram decides its steps, on data mapped into it.
            self.add(NextStep("subprocess", spec.name, _name(self.instance.version_id, spec)))
            return []
        if isinstance(spec, ExclusiveGateway | InclusiveGateway):
            targets = self.branches(node, first_only=isinstance(spec, ExclusiveGateway))
            return [_Node(t, node.workflow, node.computed) for t in targets]
        outputs = list(spec.outputs)
        if isinstance(spec, BoundaryEventSplit):
            # Only the task itself: a boundary event (a timer, an error) is not the data's choice.
            outputs = [out for out in outputs if not isinstance(out, BoundaryEvent)]
        elif isinstance(spec, EventBasedGateway):
            self.note(_("The process then waits for an event; whichever comes first decides."), True)
        elif isinstance(spec, ParallelGateway) and len(spec.inputs) > 1:
            self.note(_("The next steps wait until the other parallel branches are done."))
        computes = isinstance(_inner(spec, node.workflow), ScriptEngineTask | BusinessRuleTaskMixin)
        return [_Node(out, node.workflow, node.computed or computes) for out in outputs]

    def ended(self, node: _Node) -> list[_Node]:
        """The end of a subprocess goes on after it in the calling (sub)process."""
        parent_id = getattr(node.workflow, "parent_task_id", None)
        parent = runtime.find_task(node.workflow.top_workflow, parent_id) if parent_id else None
        if parent is None:
            self.add(NextStep("end", "", _("Process ends")))
            return []
        return [_Node(out, parent.workflow, node.computed) for out in parent.task_spec.outputs]

    def branches(self, node: _Node, first_only: bool) -> list[Any]:
        """An exclusive gateway's first true flow, an inclusive one's true flows, else the default.
        A condition failing (a field not filled in yet) is an undetermined branch; the rest go on."""
        specs = node.workflow.spec.task_specs
        matches: list[Any] = []
        default, undetermined = None, False
        for condition, target in node.spec.cond_task_specs:
            if condition is None:
                default = target  # the default flow: Spiff connects it without a condition
                continue
            expression = str(condition.args[0])
            try:
                value = expressions.evaluate(expression, self.data, node.workflow.data_objects)
            except Exception:
                self.add(
                    NextStep(
                        "undetermined",
                        target,
                        _name(self.instance.version_id, specs[target]),
                        condition=expression,
                    )
                )
                self.note(_("Some conditions cannot be evaluated with the data entered so far."), True)
                undetermined = True
                continue
            if value:
                matches.append(specs[target])
                if first_only:
                    break
        if not matches and default is None and not undetermined:
            self.note(_("No branch of the gateway applies to the data entered so far."), True)
        return matches or ([specs[default]] if default else [])

    def human_step(self, node: _Node) -> None:
        spec, inner = node.spec, _inner(node.spec, node.workflow)
        signing = countersign.is_countersign(spec)
        step = NextStep("task", spec.name, _name(self.instance.version_id, inner), countersign=signing)
        step.candidates = self.signers(spec) if signing else []
        if not step.candidates:
            step.candidates = self.lane_candidates(getattr(inner, "lane", None) or spec.lane, step.name)
        if node.computed:
            self.note(_("Later steps compute data first; the preview may change."), uncertain=True)
        self.add(step)

    def lane_candidates(self, lane: str | None, name: str) -> list[Candidate]:
        """The group the lane resolves to for this instance, as the task's row would get it."""
        role = self.resolver.role_for_lane(lane)
        if role is None:
            self.note(_("“%(name)s” is in a lane that maps to no role.") % {"name": name}, True)
            return []
        try:
            found = self.resolver.candidate_for(role, self.instance)
        except RuntimeError:  # the instance's org unit is gone: the engine would fail there too
            return []
        return [self.group(found.role, found.org_unit_code)]

    def group(self, role: str, org_unit_code: str) -> Candidate:
        label = self.role_labels.get(role, role)
        return Candidate(registry.group_key(role, org_unit_code), role, label, org_unit_code)

    def signers(self, spec: Any) -> list[Candidate]:
        """A countersign's signers, if in the data already: user names or `role@org-unit`."""
        name = getattr(spec.data_input, "bpmn_id", None)
        items = self.data.get(name) if name else None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            self.note(_("The signers are known only when that step opens."))
            return []
        return [self.group(*i.split("@", 1)) if "@" in i else Candidate(user=i) for i in items[:MAX_NODES]]


def _inner(spec: Any, workflow: Any) -> Any:
    """The task a loop (multi-instance, standard loop) repeats; any other spec itself."""
    return workflow.spec.task_specs.get(spec.task_spec, spec) if isinstance(spec, LoopTask) else spec


def _name(version_id: int, spec: Any) -> str:
    return catalog.spec_label(version_id, spec)
