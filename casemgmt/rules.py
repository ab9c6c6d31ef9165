"""Every object-level permission in one place (django-rules), for the API and the services alike.

Services call `user.has_perm(name, obj)`; the names used by the engine are listed in
ENGINE_PERMISSIONS so a test can prove none of them is missing a rule. Superuser status counts
for nothing here: no predicate reads it, and `has_perm` on a rule asks only the rule
(casemgmt/org/work_permissions.py).

django-rules autodiscovers this module at startup; importing the area modules below registers
their rules too. They import their shared predicates from casemgmt.org.predicates, never from here,
so there is no import cycle.
"""

from __future__ import annotations

from typing import Any

import rules

from casemgmt.archive import rules as archive_rules  # noqa: F401 (registers)
from casemgmt.cases import rules as cases_rules  # noqa: F401 (registers)
from casemgmt.models import SavedFilter
from casemgmt.org import work_permissions
from casemgmt.org.directory import groups_of, has_role
from casemgmt.org.predicates import in_scope, is_auditor, is_process_admin, operating_area
from casemgmt.org.roles import Role
from casemgmt.registry import rules as registry_rules  # noqa: F401 (registers)
from workflows import copies
from workflows.models import HumanTask, ProcessInstance

# `user.has_perm` on any rule below evaluates the rule only: being a Django superuser grants no
# work permission (casemgmt/org/work_permissions.py says why this is the one place to do it).
work_permissions.install()

ENGINE_PERMISSIONS = (
    "workflows.deploy_model",
    "workflows.view_model",
    "workflows.start_instance",
    "workflows.view_instance",
    "workflows.manage_instance",
    "workflows.operate_instance",
    "workflows.view_task",
    "workflows.claim_task",
    "workflows.work_task",
    "workflows.assign_task",
    "workflows.urge_task",
    "audit.view_events",
)

WORKING_ROLES = (
    Role.ENTERPRISE.value,
    Role.OPERATOR.value,
    Role.OFFICE_STAFF.value,
    Role.DISTRICT_REVIEWER.value,
    Role.PROCESS_ADMIN.value,
)


@rules.predicate
def has_working_role(user: Any) -> bool:
    return has_role(user, *WORKING_ROLES)


@rules.predicate
def works_cases(user: Any) -> bool:
    return has_role(user, Role.OPERATOR.value, Role.OFFICE_STAFF.value, Role.DISTRICT_REVIEWER.value)


@rules.predicate
def start_in_scope(user: Any, target: Any) -> bool:
    org_unit = (target or {}).get("org_unit", "") if isinstance(target, dict) else ""
    return in_scope(user, org_unit)


@rules.predicate
def instance_in_scope(user: Any, instance: Any) -> bool:
    if not isinstance(instance, ProcessInstance):
        return False
    if in_scope(user, instance.org_unit_code):
        return True
    groups = groups_of(user)
    return (
        instance.human_tasks.filter(candidate_group__in=groups).exists()
        or instance.human_tasks.filter(assignee_id=user.pk).exists()
        or copies.copied_to(user, instance)  # 抄送: a reader of the instance
    )


@rules.predicate
def instance_in_operating_area(user: Any, instance: Any) -> bool:
    if not isinstance(instance, ProcessInstance) or not getattr(user, "is_authenticated", False):
        return False
    return instance.org_unit_code in operating_area(user)


@rules.predicate
def task_visible(user: Any, task: Any) -> bool:
    if not isinstance(task, HumanTask):
        return False
    if task.assignee_id == user.pk or task.candidate_group in groups_of(user):
        return True
    return in_scope(user, task.instance.org_unit_code) or copies.copied_to(user, task.instance)


@rules.predicate
def may_work_task(user: Any, task: Any) -> bool:
    if not isinstance(task, HumanTask):
        return False
    if task.assignee_id is not None:
        return bool(task.assignee_id == user.pk)
    return task.candidate_group in groups_of(user)


@rules.predicate
def in_task_group(user: Any, task: Any) -> bool:
    return isinstance(task, HumanTask) and task.candidate_group in groups_of(user)


rules.add_perm("workflows.deploy_model", is_process_admin)
rules.add_perm("workflows.view_model", rules.is_authenticated)
rules.add_perm("workflows.start_instance", has_working_role & start_in_scope)
rules.add_perm("workflows.view_instance", is_process_admin | is_auditor | instance_in_scope)
rules.add_perm("workflows.manage_instance", is_process_admin)
# Suspend, resume and terminate: operators and office staff for cases in their own area, and
# process admins anywhere. Retry stays with process admins (manage_instance): it re-runs failed
# service steps, which is a technical repair, not a case decision.
rules.add_perm("workflows.operate_instance", is_process_admin | (~is_auditor & instance_in_operating_area))
rules.add_perm("workflows.view_task", is_process_admin | is_auditor | task_visible)
rules.add_perm("workflows.claim_task", ~is_auditor & in_task_group)
rules.add_perm("workflows.work_task", ~is_auditor & may_work_task)
rules.add_perm("workflows.assign_task", is_process_admin | (~is_auditor & in_task_group))
# 催办: someone who sees the task but is not the one to work it (one does not urge oneself);
# auditors only read.
rules.add_perm("workflows.urge_task", ~is_auditor & (is_process_admin | task_visible) & ~may_work_task)
# Sending a message or signal into processes: staff who work cases and process admins; which
# instance it may reach is workflows.operate_instance, checked on the instance it would reach.
rules.add_perm("workflows.send_message", is_process_admin | works_cases)
rules.add_perm("audit.view_events", is_auditor | is_process_admin)


@rules.predicate
def owns_filter(user: Any, saved: Any) -> bool:
    return isinstance(saved, SavedFilter) and saved.owner_id == user.pk


@rules.predicate
def filter_shared_with_me(user: Any, saved: Any) -> bool:
    return (
        isinstance(saved, SavedFilter)
        and bool(saved.shared_with_group)
        and (saved.shared_with_group in groups_of(user))
    )


rules.add_perm("casemgmt.view_savedfilter", owns_filter | filter_shared_with_me)
rules.add_perm("casemgmt.delete_savedfilter", owns_filter)
# The operator board: the roles that follow cases through their stages, plus the district-wide
# read-only auditor (who sees every card but is offered no action). Enterprise users follow their
# own cases elsewhere.
rules.add_perm("casemgmt.view_board", is_process_admin | is_auditor | works_cases)
