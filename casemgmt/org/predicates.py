"""The predicates every rules module shares (casemgmt.rules, the areas' rules.py and the nested
apps' rules).

This module imports no rules module and registers no permission, so any rules module may import
it without an import cycle; casemgmt/rules.py is the one place that imports (and so registers)
the casemgmt rules modules.
"""

from __future__ import annotations

from typing import Any

import rules

from casemgmt.org.directory import has_role, role_area, visible_org_units
from casemgmt.org.roles import Role

# Roles that move cases along day to day (suspend, resume, cancel) within their own area.
OPERATING_ROLES = (Role.OPERATOR.value, Role.OFFICE_STAFF.value)


def operating_area(user: Any) -> frozenset[str]:
    """Org unit codes at or below the user's operator/office memberships: where the user works
    cases (an enterprise membership must not grant the right to cancel cases under it)."""
    return role_area(user, *OPERATING_ROLES)


def in_scope(user: Any, org_unit_code: str | None) -> bool:
    """The org unit lies in what the user may see (everything for district-wide roles)."""
    scope = visible_org_units(user)
    return scope is None or org_unit_code in scope


@rules.predicate
def is_process_admin(user: Any) -> bool:
    return has_role(user, Role.PROCESS_ADMIN.value)


@rules.predicate
def is_auditor(user: Any) -> bool:
    return has_role(user, Role.AUDITOR.value)
