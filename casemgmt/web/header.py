"""What every page's header shows: who is signed in, where, as what, and how much work waits."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from casemgmt.org.directory import memberships
from casemgmt.org.names import unit_names
from casemgmt.org.roles import Role
from casemgmt.web.nav import menu
from workflows.queries.task_pages import COUNT_CAP, open_counts


def header(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    found = memberships(user)
    roles = [str(Role(role).label) for role, _, _ in found if role in Role.values]
    codes = [code for _, code, _ in found]
    units = unit_names(codes) if codes else {}
    open_count, overdue_count = open_counts(user)
    role_codes = {role for role, _, _ in found}
    return {
        # Case lists and archives are open to anyone with a role (each shows its own scope); the
        # other menu entries follow their pages' permissions, so the menu offers no dead ends.
        "nav_has_role": bool(role_codes),
        "nav_groups": menu(user, bool(role_codes), request.path),
        "nav_roles": roles,
        "nav_org_units": [units.get(code, code) for code in codes],
        "nav_open_count": min(open_count, COUNT_CAP),
        "nav_overdue_count": min(overdue_count, COUNT_CAP),
        "nav_counts_capped": open_count > COUNT_CAP,
    }
