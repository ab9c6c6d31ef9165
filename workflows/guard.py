"""The engine's own part of a write: find and lock its rows. The transaction, the permission
checks and the audit event every write shares are core.service's."""

from __future__ import annotations

from typing import Any

from core.errors import NotFound

from .models import HumanTask, ProcessInstance


def get_instance(instance_id: int) -> ProcessInstance:
    """The instance as committed, without a lock: for reads that must never wait for a writer."""
    instance = (
        ProcessInstance.objects.select_related("version", "version__process_model")
        .filter(pk=instance_id)
        .first()
    )
    if instance is None:
        raise NotFound(f"Process instance {instance_id} does not exist.", f"流程实例 {instance_id} 不存在。")
    return instance


def lock_instance(instance_id: int) -> ProcessInstance:
    """SELECT … FOR UPDATE: one writer per instance at a time; the rest queue behind it."""
    instance = (
        ProcessInstance.objects.select_for_update(of=("self",))
        .select_related("version", "version__process_model")
        .filter(pk=instance_id)
        .first()
    )
    if instance is None:
        raise NotFound(f"Process instance {instance_id} does not exist.", f"流程实例 {instance_id} 不存在。")
    return instance


def get_task(task_id: int) -> HumanTask:
    task = HumanTask.objects.filter(pk=task_id).first()
    if task is None:
        raise NotFound(f"Task {task_id} does not exist.", f"任务 {task_id} 不存在。")
    return task


def task_summary(task: HumanTask) -> dict[str, Any]:
    return {
        "task_spec": task.task_spec,
        "title": task.title,
        "candidate_group": task.candidate_group,
        "assignee": getattr(task.assignee, "username", None),
        "status": task.status,
    }
