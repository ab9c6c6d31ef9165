"""Message and signal delivery with a real Celery worker: what an instance throws reaches the
instances waiting for it after its turn commits, a buffered message reaches the instance that
comes to wait for it, a signal reaches every waiting instance; and a message racing a completion
on one instance has exactly one winner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from audit.verify import verify_chain
from core.errors import Conflict, NotFound
from tests.concurrency import run_concurrently
from tests.live_worker import LiveWorker
from tests.personas import AREA_A, Cast
from workflows import human_tasks, instances, messages
from workflows.models import HumanTask, InstanceStatus, ProcessInstance
from workflows.sending import SendRequest

from .test_messages import REPLY, awaiting, buffered_model, open_specs, start_choice

Deploy = Callable[[str], Any]


def specs(case: ProcessInstance) -> list[str]:
    case.refresh_from_db()
    return open_specs(case)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_reply_thrown_by_one_process_reaches_the_one_waiting_for_it(
    cast: Cast, deploy_fixture: Deploy, celery_worker_process: LiveWorker
) -> None:
    for key in ("await_reply", "send_reply", "await_choice"):
        deploy_fixture(key)
    waiting = [awaiting(cast, "SJ-1"), awaiting(cast, "SJ-2")]
    policy_waiter = start_choice(cast, "SJ-3")
    human_tasks.complete(policy_waiter.human_tasks.get().pk, actor=cast.office_a, data={})
    sender = instances.start_instance(
        "send_reply", actor=cast.office_a, org_unit_code=AREA_A, data={"case_no": "SJ-2", "opinion": "同意"}
    )
    human_tasks.complete(sender.human_tasks.get().pk, actor=cast.office_a, data={})
    celery_worker_process.wait_until(lambda: specs(waiting[1]) == ["read_reply"])
    celery_worker_process.wait_until(lambda: specs(policy_waiter) == ["reassess"])
    assert specs(waiting[0]) == []
    sender.refresh_from_db()
    assert sender.status == InstanceStatus.COMPLETED
    assert verify_chain().ok


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_buffered_message_is_delivered_when_its_receiver_arrives(
    cast: Cast, celery_worker_process: LiveWorker
) -> None:
    buffered_model("PT1H")
    sent = messages.send_message(
        SendRequest(REPLY, "early-1", {"case_no": "SJ-5"}, {"opinion": "先到"}), actor=cast.office_a
    )
    assert sent.outcome == "buffered"
    case = awaiting(cast, "SJ-5")
    celery_worker_process.wait_until(lambda: specs(case) == ["read_reply"])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_signal_sent_through_the_api_reaches_every_waiting_instance(
    cast: Cast, deploy_fixture: Deploy, api: Any, celery_worker_process: LiveWorker
) -> None:
    deploy_fixture("await_choice")
    cases = [start_choice(cast, f"SJ-{n}") for n in range(4)]
    for case in cases:
        human_tasks.complete(case.human_tasks.get().pk, actor=cast.office_a, data={})
    response = api(cast.office_a).post(
        "/api/signals/", {"name": "政策调整", "message_id": "sig-9"}, format="json"
    )
    assert response.status_code == 202, response.content
    assert response.json()["count"] == 4
    celery_worker_process.wait_until(lambda: all(specs(case) == ["reassess"] for case in cases))


@pytest.mark.django_db(transaction=True)
def test_a_message_and_a_completion_at_once_have_one_winner(cast: Cast, deploy_fixture: Deploy) -> None:
    deploy_fixture("await_choice")
    for round_number in range(5):
        case = start_choice(cast, f"SJ-{round_number}")
        task = case.human_tasks.get()

        def act(i: int, case_no: str = f"SJ-{round_number}", task_id: int = task.pk) -> Any:
            if i == 0:
                request = SendRequest("撤回申请", f"w-{case_no}", {"case_no": case_no})
                return messages.send_message(request, actor=cast.office_a)
            return human_tasks.complete(task_id, actor=cast.office_a, data={})

        message, completion = run_concurrently(act, workers=2)
        won_by_message = not isinstance(message, Exception)
        won_by_completion = isinstance(completion, HumanTask)
        assert won_by_message != won_by_completion, (message, completion)
        loser = completion if won_by_message else message
        assert isinstance(loser, Conflict | NotFound), loser
        case.refresh_from_db()
        task.refresh_from_db()
        if won_by_message:
            assert case.status == InstanceStatus.COMPLETED and task.status == "cancelled"
        else:
            assert task.status == "completed" and case.status == InstanceStatus.WAITING
    assert verify_chain().ok


def test_the_api_answers_each_outcome(cast: Cast, deploy_fixture: Deploy, api: Any, db: None) -> None:
    deploy_fixture("await_reply")
    awaiting(cast, "SJ-1")
    client = api(cast.office_a)
    body = {
        "name": REPLY,
        "message_id": "api-1",
        "correlation": {"case_no": "SJ-1"},
        "payload": {"opinion": "同意"},
    }
    delivered = client.post("/api/messages/", body, format="json")
    assert delivered.status_code == 200 and delivered.json()["outcome"] == "delivered"
    replay = client.post("/api/messages/", body, format="json")
    assert replay.status_code == 200 and replay.json()["replay"] is True
    missing = client.post(
        "/api/messages/", {**body, "message_id": "api-2", "correlation": {"case_no": "SJ-9"}}, format="json"
    )
    assert missing.status_code == 404 and missing.json()["code"] == "no_receiver"
    assert "SJ-9" in missing.json()["message"]
    bad = client.post("/api/messages/", {"name": REPLY}, format="json")
    assert bad.status_code == 400 and bad.json()["fields"][0]["field"] == "message_id"
