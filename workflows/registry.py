"""What the domain plugs into the engine: service-task handlers, the lane resolver, the directory,
the due-date policy.

The engine never imports the domain; the domain calls these `register_*` functions from its
AppConfig.ready(). Each slot fails loudly when used before it is filled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
    from django_stubs_ext import StrOrPromise

    from .models import ProcessInstance


@dataclass(frozen=True)
class ServiceCall:
    """What a service-task handler receives: the instance, the task, its evaluated parameters."""

    instance: ProcessInstance
    task_spec_id: str
    params: Mapping[str, Any]
    data: Mapping[str, Any]
    # Who made the engine move (completed the task, started or retried the instance); None for
    # the system (timers) and for anonymous callers the domain authorised itself.
    actor: User | None = None


ServiceHandler = Callable[[ServiceCall], Any]


@dataclass(frozen=True)
class HandlerParam:
    """A parameter a service-task handler reads: what the studio's editor offers and explains."""

    name: str
    type: str  # the diagram's parameter type: "int", "str", "float", "bool", "any"
    description: StrOrPromise  # lazily translated: shown in the page's language


@dataclass(frozen=True)
class HandlerInfo:
    """What a handler does and reads, in the words an admin picks it by (lazily translated)."""

    label: StrOrPromise
    description: StrOrPromise
    params: tuple[HandlerParam, ...] = ()


# fn(start, days) -> due moment of a human task whose diagram says "due in `days` days".
DueDatePolicy = Callable[[datetime, int], datetime]


def calendar_days(start: datetime, days: int) -> datetime:
    """The engine's own default: plain calendar days (the domain may count working days)."""
    return start + timedelta(days=days)


@dataclass(frozen=True)
class Candidate:
    """Who may work a human task: everyone holding `role` in `org_unit_code`."""

    role: str
    org_unit_code: str

    @property
    def group(self) -> str:
        return group_key(self.role, self.org_unit_code)


def group_key(role: str, org_unit_code: str) -> str:
    return f"{role}@{org_unit_code}"


class LaneResolver(Protocol):
    def role_for_lane(self, lane: str | None) -> str | None: ...

    def lane_choices(self) -> list[tuple[str, str]]:
        """(lane name, the role's label) for each role a lane may stand for, under the one name
        each should be drawn with: what the studio's editor offers."""
        ...

    def candidate_for(self, role: str, instance: ProcessInstance) -> Candidate: ...


class Directory(Protocol):
    def groups_of(self, user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
        """Candidate-group keys the user belongs to."""
        ...

    def describe(self, user: AbstractBaseUser | AnonymousUser) -> tuple[str, str]:
        """(role, org unit code) to record on audit events for this user."""
        ...

    def same_group(self, user: AbstractBaseUser, group: str) -> bool: ...

    def members_of(self, group: str) -> list[int]:
        """Ids of the active users in a candidate group (`role@org-unit`)."""
        ...

    def holders_of(self, role: str) -> list[int]:
        """Ids of the active users holding `role` anywhere."""
        ...

    def colleagues_in(self, org_unit_code: str) -> list[int]:
        """Ids of the active users who work tasks in the org unit: whom a task of that unit may
        be transferred or delegated to (转办, 委派)."""
        ...

    def signers_for(self, org_unit_code: str) -> list[int]:
        """Ids of the active users who may be added as signers (加签) to a task of the org unit:
        its staff and the staff of the units above it."""
        ...

    def staff(self) -> list[int]:
        """Ids of every active user who works cases anywhere: whom a task may be copied to (抄送)."""
        ...

    def org_unit_exists(self, code: str) -> bool: ...

    def org_unit_exists_clause(self) -> str:
        """An SQL condition, with one %s for the org unit code, true when org_unit_exists() is:
        the engine puts it into the statement that inserts a started instance, so that a start
        costs no lookup of its own."""
        ...

    def visible_org_units(self, user: AbstractBaseUser | AnonymousUser) -> frozenset[str] | None:
        """Org unit codes whose instances the user may see; None means all."""
        ...


class _Registry:
    def __init__(self) -> None:
        self.handlers: dict[str, ServiceHandler] = {}
        self.handler_info: dict[str, HandlerInfo] = {}
        self.lane_resolver: LaneResolver | None = None
        self.directory: Directory | None = None
        self.due_date_policy: DueDatePolicy = calendar_days


_registry = _Registry()


def register_service_handler(name: str, handler: ServiceHandler, info: HandlerInfo | None = None) -> None:
    _registry.handlers[name] = handler
    if info is not None:
        _registry.handler_info[name] = info


def unregister_service_handler(name: str) -> None:
    _registry.handlers.pop(name, None)
    _registry.handler_info.pop(name, None)


def handler_catalog() -> list[tuple[str, HandlerInfo | None]]:
    """Every registered handler by name, with what it says of itself (None: nothing)."""
    return [(name, _registry.handler_info.get(name)) for name in sorted(_registry.handlers)]


def service_handler(name: str) -> ServiceHandler | None:
    return _registry.handlers.get(name)


def set_lane_resolver(resolver: LaneResolver) -> None:
    _registry.lane_resolver = resolver


def lane_resolver() -> LaneResolver:
    if _registry.lane_resolver is None:
        raise RuntimeError("No lane resolver registered: the domain app must call set_lane_resolver().")
    return _registry.lane_resolver


def set_directory(directory: Directory) -> None:
    _registry.directory = directory


def directory() -> Directory:
    if _registry.directory is None:
        raise RuntimeError("No directory registered: the domain app must call set_directory().")
    return _registry.directory


def set_due_date_policy(policy: DueDatePolicy | None) -> None:
    """None restores the default (calendar days)."""
    _registry.due_date_policy = policy or calendar_days


def due_date_policy() -> DueDatePolicy:
    return _registry.due_date_policy
