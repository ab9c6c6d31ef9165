"""Celery jobs of message and signal delivery (workflows/messages.py)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import messages
from .sending import SendRequest


@shared_task(name="workflows.send_thrown")
def send_thrown(kind: str, request: dict[str, Any]) -> str | None:
    sent = messages.send_thrown(kind, SendRequest(**request))
    return None if sent is None else sent.outcome


@shared_task(name="workflows.broadcast_signal")
def broadcast_signal(record_id: int) -> int:
    return messages.broadcast(record_id)


@shared_task(name="workflows.deliver_buffered")
def deliver_buffered(instance_id: int) -> int:
    return messages.deliver_buffered(instance_id)


@shared_task(name="workflows.expire_buffered_messages")
def expire_buffered_messages() -> int:
    return messages.expire_buffered()
