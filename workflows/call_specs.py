"""The specs a call activity runs when it calls a deployed process model by key.

Spiff (3.2) finds a called process in the top workflow's `subprocess_specs`, one flat dict keyed
by the call activity's `calledElement`, when the call starts (`create_subprocess`) and when a
stored instance is read back (its subworkflow converter). For a version whose calls all stay in
its own file set that dict is what Spiff's parser built, unchanged. A version that calls models by
key gets a `CallSpecs`: the same dict, which resolves the keys it does not hold when asked:

- a `calledElement` naming a deployed model: that model's main process, in the version the call's
  binding picks (`latest` at call time, or `deployment`: the one recorded when the caller was
  deployed, ProcessModelVersion.callees);
- `@<version id>:<name>`: a subprocess or call inside a called version. A called version's specs
  are compiled apart from every other use of the version (spec_cache.callee), and the call
  activities and subprocesses in them are renamed so, so that two called versions never meet
  under one key in the flat dict, nor meet the caller's own processes.

Each called spec carries its pin (version id, and its name in that version for the subprocesses
inside it); state.py writes the pin next to the subprocess's tasks and reads the subprocess back
against the pinned spec, so a call that is running keeps its version across loads, migrations
and redeployments, and each call of a `latest` binding takes the version that is newest when it
starts.

Data crosses a call by key only as the called process declares (its ioSpecification): the
declared data inputs in, the declared data outputs back, nothing else in either direction. Spiff
copies everything when a process declares no inputs or no outputs; that stays so for calls inside
a file set.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import MethodType
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask as SubWorkflowMixin

BINDING_PROPERTY = "calledElementBinding"
LATEST = "latest"
DEPLOYMENT = "deployment"
BINDINGS = (LATEST, DEPLOYMENT)
FORM_PROPERTY = "formJsonSchemaFilename"

# Set on the spec objects of a called version: (version id, None) on its main process,
# (version id, key in its subprocess specs) on the subprocesses inside it.
_PIN = "_nqi_callee"

Pin = tuple[int, str | None]
Resolver = Callable[["CallSpecs", str], Any]


def binding_of(task_spec: Any) -> str:
    extensions = getattr(task_spec, "extensions", None) or {}
    value = (extensions.get("properties") or {}).get(BINDING_PROPERTY, "")
    return str(value).strip() or LATEST


def is_call(task_spec: Any) -> bool:
    return isinstance(task_spec, CallActivity)


def task_specs(spec: Any, subprocess_specs: dict[str, Any]) -> list[Any]:
    return [ts for one in (spec, *dict.values(subprocess_specs)) for ts in one.task_specs.values()]


def subprocess_specs(parser: Any, process_id: str, found: dict[str, Any] | None = None) -> dict[str, Any]:
    """What Spiff's parser.get_subprocess_specs gives, every level down, with None for a callee
    the file set does not hold (Spiff's own flag for that applies to the first level only)."""
    found = {} if found is None else found
    for task_spec in parser.get_spec(process_id).task_specs.values():
        if isinstance(task_spec, SubWorkflowMixin) and task_spec.spec not in found:
            found[task_spec.spec] = parser.get_spec(task_spec.spec, required=False)
            if found[task_spec.spec] is not None:
                subprocess_specs(parser, task_spec.spec, found)
    return found


def calls_by_key(spec: Any, subprocess_specs: dict[str, Any]) -> dict[str, str]:
    """calledElement → binding, for each call activity whose callee is not in the file set."""
    found: dict[str, str] = {}
    for task_spec in task_specs(spec, subprocess_specs):
        if is_call(task_spec) and not dict.__contains__(subprocess_specs, task_spec.spec):
            found.setdefault(task_spec.spec, binding_of(task_spec))
    return found


def map_data_strictly(task_spec: Any) -> None:
    # On this call activity only: the class stays Spiff's, so its spec serializes and compares as
    # before (migration diffs specs through their serialized form).
    task_spec.copy_data = MethodType(_copy_in, task_spec)
    task_spec.update_data = MethodType(_copy_out, task_spec)


def _declared(subworkflow: Any, direction: str) -> list[Any]:
    io = subworkflow.spec.io_specification
    return list(getattr(io, direction)) if io is not None else []


def _copy_in(task_spec: Any, my_task: Any, subworkflow: Any) -> None:
    start = subworkflow.get_next_task(subworkflow.task_tree, skip_subprocesses=True, spec_name="Start")
    for var in _declared(subworkflow, "data_inputs"):
        if not var.exists(my_task):
            raise WorkflowDataException(
                f"the called process needs the data input {var.bpmn_id!r}, which this process does not have",
                task=my_task,
                data_input=var,
            )
        var.set(start, copy.deepcopy(var.get(my_task)))


def _copy_out(task_spec: Any, my_task: Any, subworkflow: Any) -> None:
    outputs = _declared(subworkflow, "data_outputs")
    if not outputs:
        return
    end = subworkflow.get_next_task(subworkflow.task_tree, skip_subprocesses=True, spec_name="End")
    for var in outputs:
        if not var.exists(end):
            raise WorkflowDataException(
                f"the called process ended without its data output {var.bpmn_id!r}",
                task=my_task,
                data_output=var,
            )
        var.set(my_task, copy.deepcopy(var.get(end)))


def scoped_key(version_id: int, name: str) -> str:
    return f"@{version_id}:{name}"


def split_scoped_key(key: str) -> tuple[int, str] | None:
    """(version id, name) of a key made by scoped_key; None for any other key (a BPMN id or a
    model key never starts with @)."""
    if not key.startswith("@"):
        return None
    number, sep, name = key[1:].partition(":")
    return (int(number), name) if sep and number.isdigit() and name else None


def qualified_form(model_key: str, number: int, form: str) -> str:
    # Deployed file names hold no "/", so the first one always ends the version part.
    return f"{model_key}@v{number}/{form}"


def split_qualified_form(name: str) -> tuple[str, int, str] | None:
    head, sep, form = name.partition("/")
    key, at, number = head.rpartition("@v")
    return (key, int(number), form) if sep and at and number.isdigit() and form else None


def pin(spec: Any, version_id: int, name: str | None) -> None:
    setattr(spec, _PIN, (version_id, name))


def pin_of(spec: Any) -> Pin | None:
    found = getattr(spec, _PIN, None)
    return found if isinstance(found, tuple) else None


def scope_to_version(
    spec: Any, subprocess_specs: dict[str, Any], version_id: int, model_key: str, number: int
) -> None:
    """Make freshly compiled specs of a called version its own: pinned, their subprocess and call
    keys scoped to the version, their forms named with the version (human_tasks.form_schema finds
    them through the caller's forms, spec_cache.Forms)."""
    pin(spec, version_id, None)
    for name, sub in dict.items(subprocess_specs):
        pin(sub, version_id, name)
    for task_spec in task_specs(spec, subprocess_specs):
        if isinstance(task_spec, SubWorkflowMixin):
            task_spec.spec = scoped_key(version_id, task_spec.spec)
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties")
        if properties and properties.get(FORM_PROPERTY):
            properties[FORM_PROPERTY] = qualified_form(model_key, number, properties[FORM_PROPERTY])


class CallSpecs(dict[str, Any]):
    """A version's subprocess specs (as Spiff's parser built them) that also resolves its calls by
    key and the keys scoped to a called version; see the module docstring. Holds nothing that
    changes, so one is shared by every instance of the version, in every thread."""

    def __init__(
        self, own: dict[str, Any], calls: dict[str, str], bound: dict[str, int], resolver: Resolver
    ) -> None:
        super().__init__(own)
        self.calls = calls  # calledElement → binding, for the calls by key
        self.bound = bound  # calledElement → version id, for the `deployment` bindings
        self._resolver = resolver

    def __bool__(self) -> bool:
        # BpmnWorkflow takes `subprocess_specs or {}`: an empty one must stay this object.
        return True

    def __contains__(self, key: object) -> bool:
        # Asked before each call starts: answered without a query, the lookup that follows finds it.
        if dict.__contains__(self, key):
            return True
        return isinstance(key, str) and (key in self.calls or split_scoped_key(key) is not None)

    def __missing__(self, key: str) -> Any:
        return self._resolver(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


def called_element(task_spec: Any) -> str:
    """The calledElement as the diagram writes it (a call inside a called version has its key
    scoped to that version)."""
    scoped = split_scoped_key(task_spec.spec)
    return scoped[1] if scoped is not None else str(task_spec.spec)
