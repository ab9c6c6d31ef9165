"""What one inbox row shows and offers, built for a whole page with a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from casemgmt.models import Membership, OrgUnit
from casemgmt.org.names import display_name
from casemgmt.org.roles import Role
from workflows.models import HumanTask

# org unit code → (name, name of the office whose area it is in)
Units = dict[str, tuple[str, str]]


@dataclass
class Row:
    task: HumanTask
    url: str
    unit: str
    office: str
    overdue: bool
    can_claim: bool
    can_unclaim: bool
    can_reassign: bool
    colleagues: list[tuple[str, str]] = field(default_factory=list)  # (username, label)
    notice: str = ""
    error: str = ""
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)  # what was typed, kept after a refusal
    added_by: str = ""  # 加签: who added this signer's part

    @property
    def priority_level(self) -> str:
        priority = self.task.priority
        return "high" if priority >= 70 else "low" if priority <= 30 else "normal"


def task_url(pk: int) -> str:
    # The task page is built separately; until its URL is registered, link to where it will be.
    try:
        return reverse("task-detail-page", kwargs={"pk": pk})
    except NoReverseMatch:
        return f"/tasks/{pk}/"


def units_info(codes: Iterable[str]) -> Units:
    """Names and offices for a set of org unit codes: one query."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    found: Units = {}
    units = OrgUnit.objects.filter(code__in=wanted).select_related("parent__parent__parent")
    for unit in units:
        # Walk only the levels select_related fetched, so that no row costs another query.
        node: OrgUnit | None = unit
        office = ""
        for _level in range(4):
            if node is None:
                break
            if node.kind == OrgUnit.Kind.OFFICE:
                office = display_name(node)
                break
            node = node.parent if node.parent_id is not None and _level < 3 else None
        found[unit.code] = (display_name(unit), office)
    return found


def group_label(group: str, units: Units) -> str:
    """ "office_staff@office-fangsong" → "市场监管所 · 方松市场监管所" (in the page's language)."""
    role, _at, code = group.partition("@")
    role_label = str(Role(role).label) if role in Role.values else role
    return f"{role_label} · {units.get(code, (code, ''))[0]}"


def colleagues_by_group(groups: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Active members of each candidate group (role@org unit), for the reassign choice: one query."""
    pairs = {tuple(group.split("@", 1)) for group in groups if "@" in group}
    if not pairs:
        return {}
    rows = (
        Membership.objects.filter(
            role__in={role for role, _code in pairs},
            org_unit__code__in={code for _role, code in pairs},
            user__is_active=True,
        )
        .order_by("user__username")
        .values_list("role", "org_unit__code", "user__username", "user__first_name", "user__last_name")
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for role, code, username, first, last in rows:
        if (role, code) not in pairs:
            continue
        name = f"{first} {last}".strip()
        found.setdefault(f"{role}@{code}", []).append(
            (username, f"{name} ({username})" if name else username)
        )
    return found


def build_rows(user: Any, tasks: list[HumanTask], units: Units) -> list[Row]:
    now = timezone.now()
    rows: list[Row] = []
    for task in tasks:
        is_open = task.status == HumanTask.Status.OPEN
        # Permission checks read memberships cached on the user: no query per row.
        rows.append(
            Row(
                task=task,
                url=task_url(task.pk),
                unit=units.get(task.instance.org_unit_code, (task.instance.org_unit_code, ""))[0],
                office=units.get(task.instance.org_unit_code, ("", ""))[1],
                overdue=is_open and task.due_at is not None and task.due_at < now,
                can_claim=is_open
                and task.assignee_id is None
                and user.has_perm("workflows.claim_task", task),
                # An added signer's part is theirs alone: never released or reassigned.
                can_unclaim=is_open and task.assignee_id == user.pk and task.added_to_id is None,
                can_reassign=is_open
                and task.added_to_id is None
                and user.has_perm("workflows.assign_task", task),
            )
        )
    adders = {row.task.added_by_id for row in rows if row.task.added_by_id is not None}
    if adders:  # one query, only for a page that lists added signers' parts
        names = {
            u.pk: u.get_full_name() or u.get_username()
            for u in get_user_model().objects.filter(pk__in=adders)
        }
        for row in rows:
            row.added_by = names.get(row.task.added_by_id or 0, "")
    colleagues = colleagues_by_group({row.task.candidate_group for row in rows if row.can_reassign})
    for row in rows:
        if row.can_reassign:
            row.colleagues = [
                (username, label)
                for username, label in colleagues.get(row.task.candidate_group, [])
                if username != getattr(row.task.assignee, "username", None)
            ]
    return rows
