"""Return and recall racing the actions they undo: exactly one wins, the other gets 409 saying
what happened, and the instance stays whole (rows, state and audit chain)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from audit.verify import verify_chain
from core.errors import Conflict
from tests.approvals.support import deploy_approval, open_task
from tests.concurrency import run_concurrently
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances, recall, returns
from workflows.models import HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db(transaction=True)
SUBMIT = {"title": "并发", "amount": 1}
ROUNDS = 5


def submitted(cast: Cast) -> tuple[ProcessInstance, HumanTask, HumanTask]:
    instance = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    first = open_task(instance)
    human_tasks.complete(first.pk, actor=cast.operator_a, data=SUBMIT)
    first.refresh_from_db()
    return instance, first, open_task(instance)


def race(*actions: Callable[[], Any]) -> tuple[Any, Conflict]:
    """The actions at once, one thread each; exactly one must win and the other get a 409."""
    results = run_concurrently(lambda i: actions[i](), workers=len(actions))
    winners = [r for r in results if isinstance(r, HumanTask)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    return winners[0], losers[0]


def test_a_return_racing_a_completion(cast: Cast) -> None:
    deploy_approval()
    for _ in range(ROUNDS):
        _instance, first, review = submitted(cast)
        human_tasks.claim(review.pk, actor=cast.office_a)
        _winner, loser = race(
            partial(
                human_tasks.complete,
                review.pk,
                actor=cast.office_a,
                data={"approved": False},
                opinion="不同意",
            ),
            partial(returns.return_task, review.pk, actor=cast.office_a, target_id=first.pk, opinion="退回"),
        )
        assert loser.code == "closed" and "不再待办" in loser.message_zh
        review.refresh_from_db()
        assert review.status in (HumanTask.Status.COMPLETED, HumanTask.Status.RETURNED)
    assert verify_chain().ok


def test_a_recall_racing_a_claim(cast: Cast) -> None:
    deploy_approval()
    for _ in range(ROUNDS):
        instance, first, review = submitted(cast)
        winner, loser = race(
            partial(human_tasks.claim, review.pk, actor=cast.office_a),
            partial(recall.recall, first.pk, actor=cast.operator_a),
        )
        review.refresh_from_db()
        if winner.task_spec == "submit":  # the recall won: the claim found the task gone
            assert loser.code == "closed" and review.status == HumanTask.Status.CANCELLED
        else:
            assert loser.code == "next_claimed" and review.assignee_id == cast.office_a.pk
        assert instance.human_tasks.filter(status=HumanTask.Status.OPEN).count() == 1
    assert verify_chain().ok
