"""Who acted, in words: the person's full name, their role's label and their org unit's name.

The event keeps the user name, role code and unit code as they were at the time; the pages show
those as tooltips (and the exports as values). The name comes from the account the event points
at, loaded with the events (`select_related("actor")`); the unit names of a whole page come in
one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import AuditEvent
from . import words


@dataclass(frozen=True)
class ActorWords:
    name: str  # the full name, else the user name; "" for the system
    username: str
    role: str
    role_code: str
    unit: str
    unit_code: str


def describe(events: Iterable[AuditEvent]) -> dict[int, ActorWords]:
    """event id → its actor in words. `events` should carry their actor (select_related)."""
    events = list(events)
    units = words.unit_names(event.actor_org_unit for event in events)
    return {event.pk: _words(event, units) for event in events}


def _words(event: AuditEvent, units: dict[str, str]) -> ActorWords:
    user = event.actor
    name = (user.get_full_name() if user is not None else "") or event.actor_username
    return ActorWords(
        name=name,
        username=event.actor_username,
        role=words.role_label(event.actor_role) if event.actor_role else "",
        role_code=event.actor_role,
        unit=units.get(event.actor_org_unit, event.actor_org_unit),
        unit_code=event.actor_org_unit,
    )
