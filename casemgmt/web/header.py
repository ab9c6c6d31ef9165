"""What every page's header shows: who is signed in, where, as what, and how much work waits."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from workflows.models import HumanTask

from ..directory import groups_of, memberships
from ..models import OrgUnit
from ..roles import Role


def header(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    found = memberships(user)
    roles = [str(Role(role).label) for role, _, _ in found if role in Role.values]
    codes = [code for _, code, _ in found]
    units = dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    mine = Q(assignee_id=user.pk) | Q(assignee__isnull=True, candidate_group__in=list(groups_of(user)))
    counts = HumanTask.objects.filter(mine, status=HumanTask.Status.OPEN).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=timezone.now()))
    )
    return {
        "nav_roles": roles,
        "nav_org_units": [units.get(code, code) for code in codes],
        "nav_open_count": counts["open"],
        "nav_overdue_count": counts["overdue"],
    }
