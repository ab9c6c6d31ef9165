"""Writing and querying the audit log.

Appends are serialized by one transaction-scoped advisory lock: whoever holds it reads the
current chain head, links the new event to it and keeps the lock until commit, so the next
writer always sees a committed head. The cost is that audit writes of concurrent transactions
queue behind each other from their append until commit, so the append must come last: taking
row locks after it invites deadlocks with writers that locked those rows first.

Inside `batch()` (every service write opens one: core.service.write_transaction) events are
collected and appended in one statement when the block ends; in a write transaction that
statement is the final statement of its tail (core.db.tail), after which nothing runs but
COMMIT, so the chain lock is the transaction's last lock by construction. A `record()` outside
any batch appends at once.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, TextField

from core.db import tail
from core.db.statements import Rows, Statement, execute

from . import context
from .actions import Action
from .chain import canonical_parts
from .jsonb import as_stored, check_text
from .models import AuditEvent

# One statement links and inserts a whole batch: audit_append() (migration 0006) takes the chain
# head FOR UPDATE, and after waiting for it READ COMMITTED hands back the version the previous
# writer committed.
_APPEND_SQL = "SELECT event_id, event_time, event_prev, event_hash FROM audit_append(%s::jsonb)"
_ROW_FIELDS = (
    "actor_id", "actor_username", "actor_role", "actor_org_unit", "action", "target_type",
    "target_id", "business_key", "instance_id", "before", "after", "reason", "request_id", "client_ip",
)  # fmt: skip

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass
class _Pending:
    event: AuditEvent
    before: Any
    after: Any
    ip: str | None


class Batch:
    """The events recorded inside one `batch()` block, appended together when it ends."""

    def __init__(self) -> None:
        self.pending: list[_Pending] = []

    def finish(self) -> None:
        """Append the events: as the final statement of the write transaction's tail when there
        is one (core.db.tail: it runs last, with COMMIT when the transaction ends there), else
        at once."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        statement, receive = _append(pending)
        if not tail.end_with(statement, receive, binary_results=True):
            receive(execute(statement, binary_results=True))


_batch: ContextVar[Batch | None] = ContextVar("audit_batch", default=None)


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

    Inside `batch()` the event is validated now and written when the batch closes (the returned
    object gets its id and hash then); otherwise it is written at once.
    `request_id` and `client_ip` default to the current request's (see `audit.context`).
    `before`/`after` may hold anything `DjangoJSONEncoder` accepts; they are stored as plain JSON,
    as jsonb gives it back (audit.jsonb: -0.0 becomes 0.0, 1e+16 the integer it spells). NaN,
    Infinity, NUL and lone surrogates, which PostgreSQL cannot store, raise ValueError.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # Outside a transaction the event could commit while the change it describes rolls
        # back (or the reverse), and the chain lock would be released before the insert.
        raise RuntimeError("audit.services.record() must be called inside transaction.atomic().")
    user = actor if actor is not None and actor.is_authenticated else None
    ambient = context.current()
    columns = {
        "actor_id": user.pk if user is not None else None,
        "actor_username": user.get_username() if user is not None else "",
        "actor_role": actor_role,
        "actor_org_unit": actor_org_unit,
        "action": Action(action).value,
        "target_type": target_type,
        "target_id": str(target_id),
        "business_key": business_key,
        "instance_id": _optional_int("instance_id", instance_id),
        "reason": reason,
        "request_id": ambient.request_id if request_id is None else request_id,
        "prev_hash": "",
        "hash": "",
    }
    # Positional values take Model.__init__'s fast path (a third of the keyword one); id, time,
    # before/after and client IP stay None until the append fills them in.
    event = _new_event(*[columns.get(name) for name in _ATTNAMES])
    if not event.target_type or not event.target_id:
        raise ValueError("audit events need a target_type and a target_id.")
    _check_columns(event)
    pending = _Pending(
        event=event,
        # Normalised once, here: what is hashed below is what the jsonb columns will give back.
        before=as_stored("before", before),
        after=as_stored("after", after),
        ip=_valid_ip(ambient.client_ip if client_ip is None else client_ip),
    )
    queued = _batch.get()
    if queued is not None:
        queued.pending.append(pending)
        return event
    return _write([pending])[0]


@contextmanager
def batch() -> Iterator[None]:
    """Collect the events recorded inside and append them together when the block ends.

    One statement for any number of events instead of one per event, and the chain lock is
    taken only at the very end of the caller's work. Use it inside `transaction.atomic()`; if
    the block raises, nothing is written (the transaction is rolling back anyway). A nested
    block adds to the outer one. Inside a write transaction (core.service.write_transaction)
    the append becomes the final statement of its tail (core.db.tail)."""
    if _batch.get() is not None:
        yield  # already batching: the outer block writes
        return
    opened = Batch()
    token = _batch.set(opened)
    try:
        yield
    finally:
        _batch.reset(token)
    opened.finish()


def _write(pending: list[_Pending]) -> list[AuditEvent]:
    """Append the events at once, in one round trip."""
    statement, receive = _append(pending)
    receive(execute(statement, binary_results=True))
    return [item.event for item in pending]


def _append(pending: list[_Pending]) -> tuple[Statement, Callable[[Rows], None]]:
    """The statement appending the events (the database assigns ids, time and hashes), and what
    fills them in on the event objects from its rows."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be written inside transaction.atomic().")
    events: list[AuditEvent] = []
    rows: list[dict[str, Any]] = []
    for item in pending:
        event = item.event
        event.before = item.before
        event.after = item.after
        event.client_ip = item.ip
        events.append(event)
        row = {name: getattr(event, name) for name in _ROW_FIELDS}
        row["head"], row["middle"], row["tail"] = canonical_parts(event)
        rows.append(row)

    def receive(appended: Rows) -> None:
        for event, (event_id, occurred_at, prev_hash, event_hash) in zip(events, appended, strict=True):
            event.id = event_id
            event.occurred_at = occurred_at
            event.prev_hash = prev_hash
            event.hash = event_hash

    return (_APPEND_SQL, [json.dumps(rows, ensure_ascii=False)]), receive


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


def _optional_int(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"audit field {name!r} must be an integer, got {value!r}.")
    return value


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError as exc:
        raise ValueError(f"audit field 'client_ip' is not an IP address: {value!r}.") from exc


_ATTNAMES = [field.attname for field in AuditEvent._meta.concrete_fields]
# The model class called with every column in order (the stubs' plugin types keyword calls only).
_new_event: Callable[..., AuditEvent] = AuditEvent

# The text columns: each checked for its length (where it has one) and for characters PostgreSQL
# refuses; the two hashes are the database's to write and the address is checked on its own.
_TEXT_COLUMNS: list[tuple[str, str, int | None]] = [
    (field.name, field.attname, field.max_length)
    for field in AuditEvent._meta.concrete_fields
    if isinstance(field, CharField | TextField) and field.name not in ("prev_hash", "hash", "client_ip")
]


def _check_columns(event: AuditEvent) -> None:
    # A clear error here beats PostgreSQL's "value too long" (or its refusal of NUL) aborting the
    # caller's transaction.
    for name, attname, limit in _TEXT_COLUMNS:
        value = getattr(event, attname)
        if not value or not isinstance(value, str):
            continue
        if limit is not None and len(value) > limit:
            raise ValueError(f"audit field {name!r} is longer than {limit} characters.")
        check_text(name, value)
