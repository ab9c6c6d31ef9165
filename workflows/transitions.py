"""Instance lifecycle transitions, each stating its sources, target, permission and audit action
together (as Viewflow's transitions do), so that services and pages read the same table."""

from __future__ import annotations

from dataclasses import dataclass

from audit.actions import Action

from .models import OPEN_STATUSES, InstanceStatus, ProcessInstance


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    # None: the target depends on the instance (resume returns to where it was suspended from;
    # retry lands wherever the engine gets to).
    target: str | None
    permission: str
    action: Action
    reason_required: bool
    refused_en: str
    refused_zh: str

    def allows(self, instance: ProcessInstance) -> bool:
        return instance.status in self.sources


SUSPEND = Transition(
    "suspend",
    frozenset({InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR}),
    InstanceStatus.SUSPENDED,
    "workflows.operate_instance",
    Action.INSTANCE_SUSPENDED,
    reason_required=True,
    refused_en="Only a running, waiting or failed instance can be suspended.",
    refused_zh="只有运行中、等待中或出错的实例可以挂起。",
)
RESUME = Transition(
    "resume",
    frozenset({InstanceStatus.SUSPENDED}),
    None,
    "workflows.operate_instance",
    Action.INSTANCE_RESUMED,
    reason_required=True,
    refused_en="Only a suspended instance can be resumed.",
    refused_zh="只有已挂起的实例可以恢复。",
)
TERMINATE = Transition(
    "terminate",
    frozenset(OPEN_STATUSES),
    InstanceStatus.TERMINATED,
    "workflows.operate_instance",
    Action.INSTANCE_TERMINATED,
    reason_required=True,
    refused_en="The instance has already ended.",
    refused_zh="该实例已经结束。",
)
RETRY = Transition(
    "retry",
    frozenset({InstanceStatus.ERROR}),
    None,
    "workflows.manage_instance",
    Action.INSTANCE_RETRIED,
    reason_required=False,
    refused_en="Only an instance in error can be retried.",
    refused_zh="只有出错的实例可以重试。",
)

ALL: dict[str, Transition] = {t.name: t for t in (SUSPEND, RESUME, TERMINATE, RETRY)}
