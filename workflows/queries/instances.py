"""Which process instances a user may see, and the instance list's filters.

The API and the instance-admin page read the same filters from their own query strings into an
InstanceFilter; this module only applies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from .. import registry
from ..models import HumanTask, ProcessInstance, TaskCopy


def visible_instances(user: Any) -> QuerySet[ProcessInstance]:
    """Instance admins and auditors see all; others the instances of their org units, those
    with a task offered to one of their groups or assigned to them, and those copied to them."""
    qs = ProcessInstance.objects.select_related("version__process_model", "started_by")
    if user.has_perm("workflows.manage_instance") or user.has_perm("audit.view_events"):
        return qs
    scope = registry.directory().visible_org_units(user)
    if scope is None:
        return qs
    groups = registry.directory().groups_of(user)
    touched = HumanTask.objects.filter(Q(candidate_group__in=groups) | Q(assignee_id=user.pk)).values(
        "instance_id"
    )
    copied = TaskCopy.objects.filter(recipient_id=user.pk).values("instance_id")
    return qs.filter(Q(org_unit_code__in=scope) | Q(pk__in=touched) | Q(pk__in=copied))


@dataclass(frozen=True)
class InstanceFilter:
    """The instance list's filters, parsed; empty text and None filter nothing."""

    model: str = ""
    version: int | None = None
    status: str = ""
    business_key: str = ""
    org_unit: str = ""
    q: str = ""
    # Test runs (workflows/test_runs.py) are listed only when asked for, and then alone.
    test: bool = False
    started_after: datetime | None = None
    started_before: datetime | None = None
    # 我发起的: the instances this user started.
    started_by: int | None = None


def filter_instances(qs: QuerySet[ProcessInstance], wanted: InstanceFilter) -> QuerySet[ProcessInstance]:
    """`qs` narrowed by `wanted`, newest first."""
    qs = qs.filter(is_test=wanted.test)
    if wanted.model:
        qs = qs.filter(version__process_model__key=wanted.model)
    if wanted.version is not None:
        qs = qs.filter(version__number=wanted.version)
    if wanted.status:
        qs = qs.filter(status=wanted.status)
    if wanted.business_key:
        qs = qs.filter(business_key=wanted.business_key)
    if wanted.org_unit:
        qs = qs.filter(org_unit_code=wanted.org_unit)
    if wanted.q:
        qs = qs.filter(Q(subject__icontains=wanted.q) | Q(business_key__icontains=wanted.q))
    if wanted.started_after:
        qs = qs.filter(started_at__gte=wanted.started_after)
    if wanted.started_before:
        qs = qs.filter(started_at__lt=wanted.started_before)
    if wanted.started_by is not None:
        qs = qs.filter(started_by_id=wanted.started_by)
    return qs.order_by("-id")
