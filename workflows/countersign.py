"""Countersign (会签), or-sign (或签) and sequential sign-off (依次审批) by named signers.

A countersign is a multi-instance user or manual task whose input data item is called `signer`:
`loopDataInputRef` names a list variable of signers, and Spiff creates one instance per item.
An item is either a user name (the instance is assigned to that person) or a candidate group
`role@org-unit` (anyone holding the role there may claim it). Parallel instances are 会签; a
sequential multi-instance (`isSequential="true"`) is 依次审批. A property `countersignLabel` names
another part, e.g. 或签.

The completion rule is the task's `completionCondition`, evaluated with the aggregates below and
nothing of one signer's own data: all (no condition), any one (`completed >= 1`), N of M
(`approved >= 2`), a share (`approved >= total * 0.6`), a veto (`rejected > 0`). `approved` and
`rejected` count the completed instances whose `approved` field is true / false.

After each signature the engine writes two variables into the case data, for the gateways that
follow and for the case page: `countersign` (the aggregates, and the task) and `opinions` (every
signature so far, in order, over all the instance's countersigns).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.utils import timezone
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import (
    MultiInstanceTask,
    SequentialMultiInstanceTask,
)
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

SIGNER_ITEM = "signer"
DECISION_FIELD = "approved"
COMMENT_FIELD = "comment"
LABEL_PROPERTY = "countersignLabel"
AGGREGATES_VARIABLE = "countersign"
OPINIONS_VARIABLE = "opinions"
PARALLEL_LABEL = "会签"
SEQUENTIAL_LABEL = "依次审批"


@dataclass(frozen=True)
class Part:
    """One signer's part in a countersign: which countersign, which place, whose."""

    countersign: UUID
    index: int
    total: int
    signer: str
    label: str

    @property
    def is_group(self) -> bool:
        return "@" in self.signer

    def title(self, name: str) -> str:
        return f"{name} · {self.label}（{self.index}/{self.total}）"


def _multi_instance(task: Task) -> Task | None:
    """The multi-instance task `task` is an instance of, if it is one."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, MultiInstanceTask):
        return None
    return parent if parent.task_spec.task_spec == task.task_spec.name else None


def is_countersign(spec: Any) -> bool:
    item = getattr(spec, "input_item", None)
    return isinstance(spec, MultiInstanceTask) and getattr(item, "bpmn_id", None) == SIGNER_ITEM


def part_of(task: Task) -> Part | None:
    """`task`'s part in a countersign, or None when it is not an instance of one."""
    parent = _multi_instance(task)
    if parent is None or not is_countersign(parent.task_spec):
        return None
    spec = parent.task_spec
    signers = spec.data_input.get(parent) if spec.data_input is not None else []
    total = len(signers) if isinstance(signers, list | tuple | dict) else 0
    key = task.internal_data.get("key_or_index")
    index = key + 1 if isinstance(key, int) else len(_instances(parent))
    default = SEQUENTIAL_LABEL if isinstance(spec, SequentialMultiInstanceTask) else PARALLEL_LABEL
    label = _properties(task.task_spec).get(LABEL_PROPERTY) or default
    signer = task.data.get(SIGNER_ITEM)
    return Part(parent.id, index, total, signer if isinstance(signer, str) else "", label)


def _properties(spec: Any) -> dict[str, str]:
    return dict((getattr(spec, "extensions", None) or {}).get("properties") or {})


def _instances(parent: Task) -> list[Task]:
    return [child for child in parent.children if child.task_spec.name == parent.task_spec.task_spec]


def aggregates(parent: Task) -> dict[str, int]:
    """What a completion rule may read: the instances' counts, never one instance's data. The
    Flowable names (nrOfInstances...) are there too, as officials know them from those tools."""
    spec = parent.task_spec
    signers = spec.data_input.get(parent) if spec.data_input is not None else None
    instances = _instances(parent)
    total = len(signers) if isinstance(signers, list | tuple | dict) else len(instances)
    done = [child for child in instances if child.state == TaskState.COMPLETED]
    approved = sum(1 for child in done if child.data.get(DECISION_FIELD) is True)
    rejected = sum(1 for child in done if child.data.get(DECISION_FIELD) is False)
    active = sum(1 for child in instances if not child.has_state(TaskState.FINISHED_MASK))
    return {
        "total": total,
        "completed": len(done),
        "approved": approved,
        "rejected": rejected,
        "nrOfInstances": total,
        "nrOfCompletedInstances": len(done),
        "nrOfActiveInstances": active,
    }


def condition_context(task: Task, expression: str) -> dict[str, int] | None:
    """The aggregates, when the engine is evaluating `task`'s multi-instance completion rule."""
    parent = _multi_instance(task)
    if parent is None or parent.task_spec.condition != expression:
        return None
    return aggregates(parent)


def prepare(task: Task) -> Any:
    """Before a signer's data goes into `task`: drop what it copied from the case when it was
    created, and its signer item, which is returned. Its decision must be the signer's own; its
    copies of the engine's variables are stale, and merged back (when the diagram collects no
    output) they would overwrite, even cut short, the current ones; a signer item merged back
    would stop a sequential countersign from opening its next part (Spiff refuses an input item
    the case already holds)."""
    for name in (DECISION_FIELD, AGGREGATES_VARIABLE, OPINIONS_VARIABLE):
        task.data.pop(name, None)
    return task.data.pop(SIGNER_ITEM, None)


def signed_before(task: Task, username: str) -> bool:
    """Whether `username` already signed another part of the countersign `task` belongs to.

    Read from the state, which the caller loaded under the instance's lock: every completion of
    the instance holds that lock, so the signatures recorded there are all of them, and the check
    costs no query. The partial unique index on (countersign, completed_by) backs it."""
    parent = _multi_instance(task)
    if parent is None or not username:
        return False
    opinions = parent.data.get(OPINIONS_VARIABLE)
    run = str(parent.id)
    return isinstance(opinions, list) and any(
        isinstance(o, dict) and o.get("countersign") == run and o.get("by") == username for o in opinions
    )


def record_signature(task: Task, signer: Any, username: str) -> None:
    """After `task` (a countersign instance) completed: the aggregates and the signature into the
    multi-instance task's data, which is what flows on to the steps after it."""
    parent = _multi_instance(task)
    if parent is None:
        return
    counts = aggregates(parent)
    parent.data[AGGREGATES_VARIABLE] = {
        "task": parent.task_spec.name,
        **{name: counts[name] for name in ("total", "completed", "approved", "rejected")},
    }
    opinions = parent.data.get(OPINIONS_VARIABLE)
    opinions = list(opinions) if isinstance(opinions, list) else []
    opinions.append(
        {
            "task": parent.task_spec.name,
            # Which run of the countersign: a loop or a return runs the same task again.
            "countersign": str(parent.id),
            "signer": signer,
            "by": username,
            "approved": task.data.get(DECISION_FIELD),
            "comment": task.data.get(COMMENT_FIELD, ""),
            "at": timezone.now().isoformat(),
        }
    )
    parent.data[OPINIONS_VARIABLE] = opinions
