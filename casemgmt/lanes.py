"""Which org unit a lane's role is exercised in, for a given instance."""

from __future__ import annotations

from workflows.models import ProcessInstance
from workflows.registry import Candidate

from .models import OrgUnit
from .roles import DISTRICT_WIDE_ROLES, Role, role_for_lane

DISTRICT_CODE = "district"

_KIND_FOR_ROLE = {
    Role.OFFICE_STAFF.value: OrgUnit.Kind.OFFICE,
    Role.OPERATOR.value: OrgUnit.Kind.OPERATOR,
    Role.ENTERPRISE.value: OrgUnit.Kind.ENTERPRISE,
}


class OrgUnitLaneResolver:
    def role_for_lane(self, lane: str | None) -> str | None:
        return role_for_lane(lane)

    def candidate_for(self, role: str, instance: ProcessInstance) -> Candidate:
        if role in DISTRICT_WIDE_ROLES:
            return Candidate(role, DISTRICT_CODE)
        unit = OrgUnit.objects.select_related("parent__parent").filter(code=instance.org_unit_code).first()
        if unit is None:
            raise RuntimeError(
                f"instance {instance.pk} has org unit {instance.org_unit_code!r}, which does not exist; "
                f"nobody could work its {role} tasks"
            )
        target = unit.nearest(_KIND_FOR_ROLE[role]) if role in _KIND_FOR_ROLE else None
        return Candidate(role, (target or unit).code)
