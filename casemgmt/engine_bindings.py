"""Plugging the domain into the engine (called from CasemgmtConfig.ready)."""

from __future__ import annotations

from audit import access as audit_access
from audit.web import words as audit_words
from casemgmt.org.calendar import working_day_deadline
from casemgmt.org.directory import MembershipDirectory, roles_of
from casemgmt.org.lanes import OrgUnitLaneResolver
from casemgmt.org.names import unit_names
from casemgmt.org.roles import Role
from casemgmt.org.user_loading import load
from core import service, user_loading
from workflows import registry

from .cases import engine_events  # noqa: F401 (engine_events: receivers)
from .cases import handlers as cases_handlers
from .org import lookups as org_lookups
from .registry import lookups as registry_lookups
from .rights import handlers as rights_handlers


def install() -> None:
    registry.set_lane_resolver(OrgUnitLaneResolver())
    directory = MembershipDirectory()
    registry.set_directory(directory)
    # Audit events record the acting user's role and org unit as the directory knows them.
    service.set_actor_describer(directory.describe)
    # ... and the audit pages show those codes as the unit's name and the role's label.
    audit_words.set_unit_names(unit_names)
    audit_words.set_role_labels(dict(Role.choices))
    # Access records (who read personal data) carry every role the reader held.
    audit_access.set_roles_of(roles_of)
    # An API token's user arrives with its memberships and area in the token's one query
    # (the session's through casemgmt.org.auth_backend, named in settings).
    user_loading.set_user_loader(load)
    # Due dates count working days on the district's calendar (holidays, make-up days), not
    # calendar days: a "3 days" review started before the National Day week is not overdue in it.
    registry.set_due_date_policy(working_day_deadline)
    # The service tasks of service_case.bpmn; the nested apps register theirs from their own
    # ready() (casemgmt/promotion/apps.py: site_promotion, typical_cases).
    cases_handlers.register()
    # ... and of personal_data_correction.bpmn (an enterprise's correction request decided).
    rights_handlers.register()
    # Form fields picked from the registry (institutions, enterprises) and the org (people).
    registry_lookups.register()
    org_lookups.register()  # people of a role, in the picker's scope
