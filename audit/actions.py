"""The fixed vocabulary of audited actions.

Reviewers filter and count by action, so the set is closed: adding an action is a code change
(and a migration, because the choices live on the column), never a free-form string.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    MODEL_DEPLOYED = "model.deployed", _("流程模型已部署")
    MODEL_VALIDATED = "model.validated", _("流程模型已校验")
    INSTANCE_STARTED = "instance.started", _("流程实例已启动")
    INSTANCE_COMPLETED = "instance.completed", _("流程实例已完成")
    INSTANCE_CONTINUED = "instance.continued", _("流程实例已继续执行")
    INSTANCE_SUSPENDED = "instance.suspended", _("流程实例已挂起")
    INSTANCE_RESUMED = "instance.resumed", _("流程实例已恢复")
    INSTANCE_TERMINATED = "instance.terminated", _("流程实例已终止")
    INSTANCE_ERROR = "instance.error", _("流程实例出错")
    INSTANCE_RETRIED = "instance.retried", _("流程实例已重试")
    INSTANCE_MIGRATED = "instance.migrated", _("流程实例已迁移到新版本")
    TIMER_FIRED = "timer.fired", _("定时器已触发")
    TASK_CREATED = "task.created", _("任务已创建")
    TASK_CLAIMED = "task.claimed", _("任务已认领")
    TASK_UNCLAIMED = "task.unclaimed", _("任务已退回待认领")
    TASK_ASSIGNED = "task.assigned", _("任务已指派")
    TASK_COMPLETED = "task.completed", _("任务已完成")
    TASK_CANCELLED = "task.cancelled", _("任务已取消")
    USER_LOGIN = "user.login", _("用户已登录")
    USER_LOGIN_FAILED = "user.login_failed", _("用户登录失败")
