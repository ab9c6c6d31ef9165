"""What every service write does: one transaction, the actor's permission checked, an audit event.

The engine (workflows) and the domain (casemgmt) both use these; the engine-specific parts (an
instance's row lock, a task's summary) stay in workflows.guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser, User

from audit.services import batch as audit_batch
from audit.services import record

from .db import tail
from .errors import FieldError, InvalidInput, PermissionDenied

Actor = User | AnonymousUser | None

# fn(user) -> (role, org unit code) recorded with the user's audit events.
ActorDescriber = Callable[[User], tuple[str, str]]

_describe: ActorDescriber | None = None


class Traced(Protocol):
    """What an audit event takes from a process instance (workflows.models.ProcessInstance):
    its business key and its id."""

    @property
    def pk(self) -> Any: ...

    @property
    def business_key(self) -> str: ...


def set_actor_describer(describe: ActorDescriber) -> None:
    """The domain says who a user is on audit events (casemgmt.engine_bindings registers its
    membership directory's `describe`)."""
    global _describe
    _describe = describe


def describe_actor(user: User) -> tuple[str, str]:
    if _describe is None:
        raise RuntimeError("No actor describer registered: the domain app must call set_actor_describer().")
    return _describe(user)


@contextmanager
def write_transaction() -> Iterator[None]:
    """One service write: a transaction whose audit events are appended together at its end.

    The outermost one owns the transaction's tail (core.db.tail): what the engine defers there
    (a turn's rows) goes with the audit append in one statement when the block ends, and with
    COMMIT when the block opened the transaction. A nested one adds to the outer one's tail and
    audit batch."""
    with tail.block(), audit_batch():
        yield


def acting_user(actor: Actor) -> User | None:
    """The user to record as having acted, or None for the system and anonymous callers."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def allowed(actor: Actor, permission: str, obj: Any = None) -> bool:
    """actor=None is the system itself (beat jobs, management commands) and is always allowed."""
    return actor is None or (actor.is_authenticated and actor.has_perm(permission, obj))


def require(actor: Actor, permission: str, obj: Any = None) -> None:
    if not allowed(actor, permission, obj):
        raise PermissionDenied(
            f"You are not allowed to do this ({permission}).", f"您无权执行此操作（{permission}）。"
        )


def require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise InvalidInput(
            "A reason is required.",
            "必须填写原因。",
            fields=[FieldError("reason", "required", "必填项未填写", "a reason is required")],
        )


def audit(
    action: str,
    actor: Actor,
    *,
    target_type: str,
    target_id: Any,
    instance: Traced | None = None,
    business_key: str = "",
    instance_id: int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    """Record `action` on the target, by the actor with the role and org unit they hold.

    The process the event belongs to is either `instance` (its business key and id) or, for a
    caller that has not loaded the instance, `business_key` and `instance_id` given directly."""
    if instance is not None:
        if business_key or instance_id is not None:
            raise TypeError("audit() takes an instance or a business_key/instance_id, not both.")
        business_key, instance_id = instance.business_key, instance.pk
    role, org_unit = ("", "")
    user = acting_user(actor)
    if user is not None:
        role, org_unit = describe_actor(user)
    record(
        action,
        actor=user,
        actor_role=role,
        actor_org_unit=org_unit,
        target_type=target_type,
        target_id=str(target_id),
        business_key=business_key,
        instance_id=instance_id,
        before=before,
        after=after,
        reason=reason,
    )
