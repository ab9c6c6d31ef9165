"""Webhooks against a real HTTP receiver on this machine: signed, retried, given up on."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from notifications.delivery import deliver
from notifications.models import Webhook, WebhookDelivery
from notifications.webhooks import MAX_ATTEMPTS, send_due, signature
from tests.personas import Cast
from workflows.models import ProcessModelVersion

from .test_delivery import start_approval, submit

pytestmark = pytest.mark.django_db
SECRET = "s3cret-for-tests"


@dataclass
class Receiver:
    """Answers with the next status in `answers` (then 200), keeping what it was sent."""

    url: str
    answers: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(state.answers.pop(0) if state.answers else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/nqi"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def a_review_task(cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion]) -> None:
    deploy_fixture("approval")
    submit(start_approval(cast), cast)


def test_an_event_is_posted_once_signed_whoever_it_tells(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], receiver: Receiver
) -> None:
    Webhook.objects.create(name="区局OA", url=receiver.url, secret=SECRET)
    a_review_task(cast, deploy_fixture)
    deliver()
    # Two people were told of the new task; the other system hears of it once.
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    # (header names are case-insensitive; the receiver keeps them lower-cased)
    assert headers["x-nqi-signature"] == signature(SECRET, body)
    assert headers["x-nqi-event"] == "task_available"
    payload = json.loads(body)
    assert payload["title"] == "市场监管所审核" and payload["business_key"] == "SQ-N-1"
    assert payload["link"].startswith("http://") and "/tasks/" in payload["link"]
    assert WebhookDelivery.objects.get().status == "delivered"
    deliver()
    assert len(receiver.received) == 1


def test_a_failing_receiver_is_retried_later_then_given_up_on(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], receiver: Receiver
) -> None:
    Webhook.objects.create(name="区局OA", url=receiver.url, secret=SECRET)
    receiver.answers = [500]
    a_review_task(cast, deploy_fixture)
    deliver()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert send_due() == 0, "not due again yet"
    WebhookDelivery.objects.update(next_attempt_at=delivery.created_at)
    assert send_due() == 1
    assert WebhookDelivery.objects.get().status == "delivered"

    receiver.answers = [503] * MAX_ATTEMPTS
    WebhookDelivery.objects.update(status="pending", attempts=0, next_attempt_at=delivery.created_at)
    for _ in range(MAX_ATTEMPTS):
        send_due()
        WebhookDelivery.objects.filter(status="pending").update(next_attempt_at=delivery.created_at)
    failed = WebhookDelivery.objects.get()
    assert (failed.status, failed.attempts, failed.last_status_code) == ("failed", MAX_ATTEMPTS, 503)


def test_kinds_choose_what_a_webhook_hears_and_inactive_ones_hear_nothing(
    cast: Cast, deploy_fixture: Callable[[str], ProcessModelVersion], receiver: Receiver
) -> None:
    Webhook.objects.create(name="只要指派", url=receiver.url, secret=SECRET, kinds=["task_assigned"])
    Webhook.objects.create(name="停用", url=receiver.url, secret=SECRET, active=False)
    a_review_task(cast, deploy_fixture)
    deliver()
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_only_http_urls_are_accepted() -> None:
    hook = Webhook(name="x", url="ftp://example.org/in", secret=SECRET)
    with pytest.raises(ValidationError):
        hook.full_clean()
