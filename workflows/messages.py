"""Messages and signals between instances: send one by name, deliver it, record it once.

A message goes to the one instance waiting for it with these correlation values (MessageWait,
workflows/message_waits.py): a receive task, an intermediate catch event, an event-based
gateway's branch, a boundary event. With none waiting it is buffered when some deployed model
declares the message with a `bufferFor` duration (workflows/message_catalog.py) and handed to the
first instance that comes to wait for it within that time; otherwise it is refused, naming the
keys. A signal goes to every instance waiting for it, each in its own transaction (a Celery job
after the send commits).

Every send carries an id. The id is recorded with its outcome in the send's transaction
(MessageDelivery), so sending again with it is a replay: the first outcome is answered and
nothing is delivered twice. Messages and signals an instance throws that nothing inside it
catches (message end events, intermediate throws) are sent the same way after its turn commits,
with ids made from the instance, the throwing task and the event.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.service import Actor, allowed, audit, require, write_transaction

from . import instances, message_catalog, message_delivery, message_records
from .message_records import Sent
from .models import EventKind, MessageDelivery, MessageWait, ProcessInstance
from .sending import SendRequest

logger = logging.getLogger(__name__)

SIGNAL_BATCH = 200


def send_message(request: SendRequest, *, actor: Actor) -> Sent:
    """Deliver a message to the one instance waiting for it, or buffer or refuse it."""
    require(actor, "workflows.send_message")
    if request.scope:
        raise InvalidInput(
            "A message names its receiver by correlation keys; a scope is for signals.",
            "消息以关联键确定接收方；范围（scope）仅用于信号。",
            fields=[FieldError("scope", "not_allowed", "消息不接受范围", "a message takes no scope")],
        )
    with write_transaction():
        prior, found = message_records.lookup(request, EventKind.MESSAGE, 2)
        if prior is not None:
            return message_records.replayed(prior, request, EventKind.MESSAGE)
        if len(found) > 1:
            # An instance the sender may not operate is, to the sender, not there at all.
            found = [pk for pk in found if allowed(actor, "workflows.operate_instance", _instance(pk))]
        if len(found) > 1:
            raise Conflict(
                f"More than one process waits for message {request.name!r} with {request.correlation}; "
                "give correlation keys that name one.",
                f"有多个流程在等待消息「{request.name}」（{request.correlation}），请提供能唯一确定流程的关联键。",
                code="ambiguous",
            )
        # It may have moved on while this send waited for its lock: then nobody waits after all.
        if found and message_delivery.deliver(found[0], request, EventKind.MESSAGE, actor):
            return Sent(MessageDelivery.Outcome.DELIVERED, found[0], 1)
        starters = message_catalog.starters(request.name)
        if starters:
            return _start(starters, request, actor)
        buffer_for = message_catalog.buffer_for(request.name)
        if buffer_for is None:
            raise NotFound(
                f"No process waits for message {request.name!r} with {request.correlation}.",
                f"没有流程在等待消息「{request.name}」（关联键 {request.correlation}）。",
                code="no_receiver",
            )
        _buffer(request, buffer_for, actor)
        return Sent(MessageDelivery.Outcome.BUFFERED)


def _instance(instance_id: int) -> ProcessInstance | None:
    return ProcessInstance.objects.filter(pk=instance_id).first()


def _start(starters: list[str], request: SendRequest, actor: Actor) -> Sent:
    """Start the one model whose start event takes the message, and hand the message to it."""
    if len(starters) > 1:
        raise Conflict(
            f"Message {request.name!r} starts several process models ({', '.join(starters)}).",
            f"消息「{request.name}」可启动多个流程模型（{'、'.join(starters)}）。",
            code="ambiguous",
        )
    if not request.org_unit:
        raise InvalidInput(
            f"Message {request.name!r} starts a process: say which org unit it runs for.",
            f"消息「{request.name}」将启动新流程，请指明办理单位。",
            fields=[
                FieldError(
                    "org_unit", "required", "启动流程须指明办理单位", "the org unit the process runs for"
                )
            ],
        )
    instance = instances.start_instance(
        starters[0], actor=actor, org_unit_code=request.org_unit, business_key=request.business_key
    )
    if not message_delivery.deliver(instance.pk, request, EventKind.MESSAGE, actor, any_correlation=True):
        raise RuntimeError(f"a new instance of {starters[0]!r} does not wait for {request.name!r}")
    return Sent(MessageDelivery.Outcome.STARTED, instance.pk, 1)


def _buffer(request: SendRequest, buffer_for: timedelta, actor: Actor) -> None:
    expires_at = timezone.now() + buffer_for
    record_id = message_records.insert(
        message_records.record(
            request, EventKind.MESSAGE, MessageDelivery.Outcome.BUFFERED, actor, expires_at=expires_at
        )
    )
    audit(
        Action.MESSAGE_BUFFERED,
        actor,
        target_type="message",
        target_id=record_id,
        after={"name": request.name, "correlation": request.correlation, "message_id": request.message_id},
    )


def send_signal(request: SendRequest, *, actor: Actor) -> Sent:
    """Record the signal, then deliver it to every instance of its scope waiting for it, after
    commit (an operator's signal reaches only the instances it may operate)."""
    require(actor, "workflows.send_message")
    with write_transaction():
        prior, _ = message_records.lookup(request, EventKind.SIGNAL, 0)
        if prior is not None:
            return message_records.replayed(prior, request, EventKind.SIGNAL)
        record_id = message_records.insert(
            message_records.record(request, EventKind.SIGNAL, MessageDelivery.Outcome.BROADCAST, actor)
        )
        audit(
            Action.SIGNAL_SENT,
            actor,
            target_type="message",
            target_id=record_id,
            after={"name": request.name, "message_id": request.message_id, "scope": request.scope},
        )
        waiting = len(message_records.waiting(EventKind.SIGNAL, request.name, {}, 100_000, request.scope))
        transaction.on_commit(lambda: _enqueue_broadcast(record_id))
    return Sent(MessageDelivery.Outcome.BROADCAST, count=waiting)


def _enqueue_broadcast(record_id: int) -> None:
    from .message_jobs import broadcast_signal

    broadcast_signal.delay(record_id)


def broadcast(record_id: int) -> int:
    """Deliver a recorded signal to every instance waiting for it, each in its own transaction;
    an instance that already has it (a job run twice) is skipped. Returns how many got it."""
    record = MessageDelivery.objects.select_related("sent_by").get(pk=record_id)
    scope = dict(record.correlation)  # a signal's record keeps its scope there
    request = SendRequest(record.name, record.message_id, {}, dict(record.payload), scope=scope)
    actor = record.sent_by
    delivered = 0
    done: set[int] = set()
    while True:
        batch = [
            pk
            for pk in message_records.waiting(
                EventKind.SIGNAL, record.name, {}, SIGNAL_BATCH + len(done), request.scope
            )
            if pk not in done
        ]
        if not batch:
            return delivered
        for instance_id in batch:
            done.add(instance_id)
            with write_transaction():
                already = MessageDelivery.objects.filter(
                    kind=EventKind.SIGNAL, message_id=record.message_id, instance_id=instance_id
                ).exists()
                if not already and message_delivery.deliver(instance_id, request, EventKind.SIGNAL, actor):
                    delivered += 1


def deliver_buffered(instance_id: int) -> int:
    """Deliver to `instance_id` the unexpired buffered messages it now waits for, oldest first,
    each in its own transaction (a job after the turn that made it wait). Returns how many."""
    delivered = 0
    for wait in MessageWait.objects.filter(instance_id=instance_id, kind=EventKind.MESSAGE).values(
        "name", "correlation"
    ):
        with write_transaction():
            buffered = (
                MessageDelivery.objects.select_for_update(skip_locked=True)
                .filter(
                    kind=EventKind.MESSAGE,
                    outcome=MessageDelivery.Outcome.BUFFERED,
                    name=wait["name"],
                    correlation=wait["correlation"],
                    expires_at__gt=timezone.now(),
                )
                .order_by("id")
                .first()
            )
            if buffered is None:
                continue
            request = SendRequest(buffered.name, buffered.message_id, buffered.correlation, buffered.payload)
            if message_delivery.deliver(instance_id, request, EventKind.MESSAGE, buffered.sent_by):
                # The delivery record replaces the buffered one: the id stays recorded once.
                buffered.delete()
                delivered += 1
    return delivered


def expire_buffered() -> int:
    """Mark buffered messages whose time is up as expired (a beat job); returns how many."""
    return MessageDelivery.objects.filter(
        outcome=MessageDelivery.Outcome.BUFFERED, expires_at__lte=timezone.now()
    ).update(outcome=MessageDelivery.Outcome.EXPIRED)


def send_thrown(kind: str, request: SendRequest) -> Sent | None:
    """Send what an instance threw (after its turn committed), as the system; a message nobody
    waits for and nobody buffers is dropped with a warning: the thrower has moved on."""
    try:
        if kind == EventKind.SIGNAL:
            return send_signal(request, actor=None)
        return send_message(request, actor=None)
    except (NotFound, Conflict) as exc:
        logger.warning("thrown %s %r not delivered: %s", kind, request.name, exc.message_en)
        return None
