"""Writing and querying the audit log.

Appends are serialized by one transaction-scoped advisory lock: whoever holds it reads the
current chain head, links the new event to it and keeps the lock until commit, so the next
writer always sees a committed head. The cost is that audit writes of concurrent transactions
queue behind each other from their first `record()` until commit, so record events as the last
step of a transaction (as `DESIGN.md`'s task completion does): taking row locks after
`record()` invites deadlocks with writers that locked those rows first.
"""

from __future__ import annotations

import ipaddress
import json
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet

from . import context
from .actions import Action
from .chain import GENESIS_HASH, event_hash
from .models import AuditEvent

# Arbitrary but fixed: every writer must contend for the same key. ASCII "NQIAUDIT".
CHAIN_LOCK_KEY = 0x4E51_4941_5544_4954

_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s), current_setting('transaction_isolation')"
# One round trip, after the lock is held (a new statement, so a new READ COMMITTED snapshot that
# includes the previous holder's commit). The JSON and address values go through PostgreSQL's
# own types so the hash covers exactly what will be read back: jsonb rewrites numbers such as
# 1e+16 and inet rewrites IPv6 spellings.
_HEAD_SQL = (
    "SELECT (SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1), "
    "nextval(pg_get_serial_sequence('audit_auditevent', 'id')), clock_timestamp(), "
    "%s::jsonb, %s::jsonb, %s::inet"
)

Actor = AbstractBaseUser | AnonymousUser | None


def record(
    action: Action | str,
    *,
    actor: Actor = None,
    target_type: str,
    target_id: str | int,
    business_key: str = "",
    instance_id: int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    actor_role: str = "",
    actor_org_unit: str = "",
    request_id: str | None = None,
    client_ip: str | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    `request_id` and `client_ip` default to the current request's (see `audit.context`).
    `before`/`after` may hold anything `DjangoJSONEncoder` accepts; they are stored as plain JSON.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # Outside a transaction the event could commit while the change it describes rolls
        # back (or the reverse), and the chain lock would be released before the insert.
        raise RuntimeError("audit.services.record() must be called inside transaction.atomic().")
    user = actor if actor is not None and actor.is_authenticated else None
    ambient = context.current()
    event = AuditEvent(
        actor_id=user.pk if user is not None else None,
        actor_username=user.get_username() if user is not None else "",
        actor_role=actor_role,
        actor_org_unit=actor_org_unit,
        action=Action(action).value,
        target_type=target_type,
        target_id=str(target_id),
        business_key=business_key,
        instance_id=_optional_int("instance_id", instance_id),
        reason=reason,
        request_id=ambient.request_id if request_id is None else request_id,
    )
    if not event.target_type or not event.target_id:
        raise ValueError("audit events need a target_type and a target_id.")
    _check_lengths(event)
    before_json = _to_json("before", before)
    after_json = _to_json("after", after)
    ip = ambient.client_ip if client_ip is None else _valid_ip(client_ip)

    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [CHAIN_LOCK_KEY])
        _, isolation = cursor.fetchone()
        if isolation != "read committed":
            # A snapshot older than the lock would miss the previous writer's head and fork the chain.
            raise RuntimeError(f"audit events need READ COMMITTED isolation, not {isolation}.")
        cursor.execute(_HEAD_SQL, [before_json, after_json, ip])
        head, new_id, now, stored_before, stored_after, stored_ip = cursor.fetchone()

    event.id = new_id
    event.occurred_at = now
    event.before = None if stored_before is None else json.loads(stored_before)
    event.after = None if stored_after is None else json.loads(stored_after)
    event.client_ip = stored_ip
    event.prev_hash = head or GENESIS_HASH
    event.hash = event_hash(event.prev_hash, event)
    event.save(force_insert=True)
    return event


def events_for_instance(instance_id: int) -> QuerySet[AuditEvent]:
    """The history of one process instance, oldest first."""
    return AuditEvent.objects.filter(instance_id=instance_id).order_by("id")


def filter_events(
    qs: QuerySet[AuditEvent],
    *,
    actor: AbstractBaseUser | str | None = None,
    action: Action | str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    business_key: str | None = None,
    instance_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Narrow `qs`; `None` means "any". Time is half-open: since <= occurred_at < until.

    A username matches both the name recorded at the time and the user's current name, so a
    renamed user's history is found under either.
    """
    if isinstance(actor, str):
        qs = qs.filter(Q(actor_username=actor) | Q(actor__username=actor))
    elif actor is not None:
        qs = qs.filter(actor_id=actor.pk)
    exact = {
        "action": None if action is None else str(action),
        "target_type": target_type,
        "target_id": target_id,
        "business_key": business_key,
        "instance_id": instance_id,
        "occurred_at__gte": since,
        "occurred_at__lt": until,
    }
    conditions = {lookup: value for lookup, value in exact.items() if value is not None}
    return qs.filter(**conditions) if conditions else qs


def _to_json(name: str, value: Any) -> str | None:
    if value is None:
        return None
    try:
        return json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"audit field {name!r} is not JSON-serializable: {exc}") from exc


def _optional_int(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"audit field {name!r} must be an integer, got {value!r}.")
    return value


def _valid_ip(value: str) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as exc:
        raise ValueError(f"audit field 'client_ip' is not an IP address: {value!r}.") from exc


def _check_lengths(event: AuditEvent) -> None:
    # A clear error here beats PostgreSQL's "value too long" aborting the caller's transaction.
    for field in AuditEvent._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(event, field.attname)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ValueError(f"audit field {field.name!r} is longer than {limit} characters.")
