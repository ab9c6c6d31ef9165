"""The fixed set of roles and the names under which BPMN lanes may refer to them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    OPERATOR = "operator", _("Operating organization staff")
    OFFICE_STAFF = "office_staff", _("Market supervision office")
    DISTRICT_REVIEWER = "district_reviewer", _("District bureau")
    PROCESS_ADMIN = "process_admin", _("Process administrator")
    AUDITOR = "auditor", _("Auditor")


# The Chinese role names that diagrams are drawn with. They are fixed here, not taken from the
# (translated) labels: what a lane name means must not depend on the language of the request.
CHINESE_ROLE_NAMES: dict[str, str] = {
    "企业用户": Role.ENTERPRISE.value,
    "运营机构人员": Role.OPERATOR.value,
    "市场监管所": Role.OFFICE_STAFF.value,
    "区局": Role.DISTRICT_REVIEWER.value,
    "流程管理员": Role.PROCESS_ADMIN.value,
    "审计员": Role.AUDITOR.value,
}

# Lanes are drawn by people: accept the role code, its Chinese name and the common long forms.
LANE_ALIASES: dict[str, str] = {
    **{role.value: role.value for role in Role},
    **CHINESE_ROLE_NAMES,
    "运营机构": Role.OPERATOR.value,
    "市场监管所人员": Role.OFFICE_STAFF.value,
    "区市场监管局": Role.DISTRICT_REVIEWER.value,
    "区级审核": Role.DISTRICT_REVIEWER.value,
    "企业": Role.ENTERPRISE.value,
}

# Roles whose members see every org unit's work (the district level and the read-only auditor).
DISTRICT_WIDE_ROLES = frozenset({Role.DISTRICT_REVIEWER.value, Role.PROCESS_ADMIN.value, Role.AUDITOR.value})


def role_for_lane(lane_name: str | None) -> str | None:
    if not lane_name:
        return None
    return LANE_ALIASES.get(lane_name.strip())
