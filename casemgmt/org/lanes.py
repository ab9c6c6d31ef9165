"""Which org unit a lane's role is exercised in, for a given instance."""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from casemgmt.models import OrgUnit
from casemgmt.org.roles import CHINESE_ROLE_NAMES, DISTRICT_WIDE_ROLES, Role, role_for_lane
from workflows.models import ProcessInstance
from workflows.registry import Candidate

DISTRICT_CODE = "district"

_KIND_FOR_ROLE = {
    Role.OFFICE_STAFF.value: OrgUnit.Kind.OFFICE,
    Role.OPERATOR.value: OrgUnit.Kind.OPERATOR,
    Role.ENTERPRISE.value: OrgUnit.Kind.ENTERPRISE,
}

# Every new human task resolves its candidates; the org tree changes a few times a year. A short
# per-process cache (cleared here on any change, and by age in other processes: the setting
# NQI_LANE_CACHE_SECONDS) keeps that off the database on the hot path.
_cache: dict[tuple[str, str], tuple[float, Candidate]] = {}


@receiver([post_save, post_delete], sender=OrgUnit)
def _forget(**_: object) -> None:
    _cache.clear()


class OrgUnitLaneResolver:
    def role_for_lane(self, lane: str | None) -> str | None:
        return role_for_lane(lane)

    def lane_choices(self) -> list[tuple[str, str]]:
        return [(name, str(Role(role).label)) for name, role in CHINESE_ROLE_NAMES.items()]

    def candidate_for(self, role: str, instance: ProcessInstance) -> Candidate:
        if role in DISTRICT_WIDE_ROLES:
            return Candidate(role, DISTRICT_CODE)
        key = (role, instance.org_unit_code)
        found = _cache.get(key)
        if found is not None and time.monotonic() - found[0] < settings.NQI_LANE_CACHE_SECONDS:
            return found[1]
        candidate = self._resolve(role, instance)
        _cache[key] = (time.monotonic(), candidate)
        return candidate

    def _resolve(self, role: str, instance: ProcessInstance) -> Candidate:
        unit = OrgUnit.objects.select_related("parent__parent").filter(code=instance.org_unit_code).first()
        if unit is None:
            raise RuntimeError(
                f"instance {instance.pk} has org unit {instance.org_unit_code!r}, which does not exist; "
                f"nobody could work its {role} tasks"
            )
        target = unit.nearest(_KIND_FOR_ROLE[role]) if role in _KIND_FOR_ROLE else None
        if target is None and role == Role.OFFICE_STAFF.value:
            # District- and city-level projects hang under the bureau, with no office above them:
            # their office-lane work goes to the bureau's district reviewers, not to nobody.
            return Candidate(Role.DISTRICT_REVIEWER.value, DISTRICT_CODE)
        return Candidate(role, (target or unit).code)
