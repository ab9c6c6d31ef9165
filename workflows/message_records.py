"""The tables of message delivery, in plain SQL: who waits (MessageWait) and what became of
each send by its id (MessageDelivery). One statement answers both at the start of a send."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from core.errors import Conflict
from core.service import Actor, acting_user

from .models import EventKind
from .sending import SendRequest


@dataclass(frozen=True)
class Sent:
    """What became of a send: delivered to an instance, buffered, or broadcast to `count`."""

    outcome: str
    instance_id: int | None = None
    count: int = 0
    replay: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "instance": self.instance_id,
            "count": self.count,
            "replay": self.replay,
        }


_WAITING_WHERE = (
    "SELECT w.instance_id FROM workflows_messagewait w "
    "JOIN workflows_processinstance i ON i.id = w.instance_id "
    "WHERE w.kind = %s AND w.name = %s AND w.correlation = %s::jsonb "
    "AND i.status IN ('running', 'waiting')"
)
_WAITING_ORDER = " ORDER BY w.instance_id LIMIT %s"
_WAITING = _WAITING_WHERE + _WAITING_ORDER
# The send's first statement: what an earlier send with this id became, and who waits now.
_LOOKUP = (
    "SELECT (SELECT jsonb_build_object('name', d.name, 'correlation', d.correlation, "
    "'outcome', d.outcome, 'instance', d.instance_id, 'count', (SELECT count(*) "
    "FROM workflows_messagedelivery c WHERE c.kind = d.kind AND c.message_id = d.message_id "
    "AND c.instance_id IS NOT NULL)) FROM workflows_messagedelivery d "
    "WHERE d.kind = %s AND d.message_id = %s ORDER BY d.id LIMIT 1), "
    f"ARRAY({_WAITING})"
)
_RECORD = (
    "INSERT INTO workflows_messagedelivery (message_id, kind, name, correlation, payload, outcome, "
    "instance_id, sent_by_id, created_at, expires_at) "
    "VALUES (%s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s, %s) "
    "ON CONFLICT ON CONSTRAINT message_delivery_once DO NOTHING"
)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


# A signal's scope narrows who waits (sending.SCOPES): the column each key compares.
_SCOPE_FILTERS = {
    "process": "i.version_id IN (SELECT v.id FROM workflows_processmodelversion v "
    "JOIN workflows_processmodel m ON m.id = v.process_model_id WHERE m.key = %s)",
    "org_unit": "i.org_unit_code = %s",
    "business_key": "i.business_key = %s",
}


def waiting(
    kind: str, name: str, correlation: dict[str, str], limit: int, scope: dict[str, str] | None = None
) -> list[int]:
    sql, params = _WAITING_WHERE, [kind, name, _json(correlation)]
    for key, value in sorted((scope or {}).items()):
        sql += f" AND {_SCOPE_FILTERS[key]}"
        params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(sql + _WAITING_ORDER, [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def lookup(request: SendRequest, kind: str, limit: int) -> tuple[dict[str, Any] | None, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            _LOOKUP, [kind, request.message_id, kind, request.name, _json(request.correlation), limit]
        )
        prior, waiting = cursor.fetchone()
    if isinstance(prior, str):
        prior = json.loads(prior)
    return prior, list(waiting or [])


def replayed(prior: dict[str, Any], request: SendRequest, kind: str) -> Sent:
    """The first outcome of a send with this id; a different send under an id already used is a
    conflict, not a replay."""
    # A signal's record keeps its scope where a message's keeps its correlation keys.
    keys = request.correlation if kind == EventKind.MESSAGE else request.scope
    if prior["name"] != request.name or prior["correlation"] != keys:
        raise Conflict(
            f"Message id {request.message_id!r} was already used for another {kind}.",
            f"消息编号「{request.message_id}」已用于另一条消息。",
            code="message_id_reused",
        )
    return Sent(prior["outcome"], prior["instance"], prior["count"], replay=True)


def record(request: SendRequest, kind: str, outcome: str, actor: Actor, **row: Any) -> tuple[str, list[Any]]:
    """The MessageDelivery row of a send, as a statement (ON CONFLICT: a concurrent send with the
    same id and target already recorded it)."""
    user = acting_user(actor)
    return (
        _RECORD,
        [
            request.message_id,
            kind,
            request.name,
            _json(request.correlation if kind == EventKind.MESSAGE else request.scope),
            _json(request.payload),
            outcome,
            row.get("instance_id"),
            user.pk if user is not None else None,
            timezone.now(),
            row.get("expires_at"),
        ],
    )


def insert(statement: tuple[str, list[Any]]) -> int:
    """Record a send now (its id is needed); a concurrent send with the same id got there first."""
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql + " RETURNING id", params)
        created = cursor.fetchone()
    if created is None:
        raise Conflict(
            f"Message {params[0]!r} is being sent at this moment; send it again to see its outcome.",
            f"消息「{params[0]}」正在发送中，请重新发送以查看结果。",
            code="message_in_flight",
        )
    return int(created[0])
