"""加签 racing itself: signatures, removals and the holder's completion of one round at the same
moment. Every operation locks the task and its instance first, so they queue; the round must
settle exactly once (one engine step, one task.completed) and the audit chain stay whole."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from audit.verify import verify_chain
from core.errors import Conflict
from tests.approvals.support import deploy_approval
from tests.concurrency import run_concurrently
from tests.personas import OPERATOR_A, Cast
from workflows import added_signers, human_tasks, instances
from workflows.models import HeldCompletion, HumanTask

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 5


def office_review(cast: Cast, key: str) -> HumanTask:
    """An approval submitted by operator_a, its office review claimed by office_a."""
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key=key, subject="并发", org_unit_code=OPERATOR_A
    )
    first = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(first.pk, actor=cast.operator_a, data={"title": "并发", "amount": 1})
    review = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.claim(review.pk, actor=cast.office_a)
    return review


def part_of(review: HumanTask, signer: Any) -> HumanTask:
    return HumanTask.objects.get(added_to=review, assignee=signer)


def race(*actions: Callable[[], Any]) -> list[Any]:
    """The actions at once, one thread each; their results or exceptions, in order."""
    return run_concurrently(lambda i: actions[i](), workers=len(actions))


def assert_moved_on_once(review: HumanTask) -> None:
    """The engine took exactly one step past the review: one district review opened, the review
    completed with one task.completed, and no submission left held."""
    review.refresh_from_db()
    assert review.status == HumanTask.Status.COMPLETED and review.awaiting == ""
    assert review.completed_by_id is not None
    district = review.instance.human_tasks.filter(
        task_spec="district_review", status=HumanTask.Status.OPEN, added_to=None
    )
    assert district.count() == 1
    completed = AuditEvent.objects.filter(action=Action.TASK_COMPLETED, target_id=str(review.pk))
    assert completed.count() == 1
    assert not HeldCompletion.objects.filter(task=review).exists()


def test_two_after_signers_sign_at_once(cast: Cast) -> None:
    deploy_approval()
    for n in range(ROUNDS):
        review = office_review(cast, f"SR-after-{n}")
        human_tasks.complete(
            review.pk, actor=cast.office_a, data={"approved": True}, after_signers=["reviewer", "office_a2"]
        )
        signers = (cast.reviewer, cast.office_a2)
        results = race(
            *(
                partial(added_signers.sign, part_of(review, s).pk, actor=s, approved=True, opinion="")
                for s in signers
            )
        )
        # Each signs their own part, so neither conflicts; only the second may move it on.
        assert all(isinstance(r, HumanTask) for r in results), results
        for signer in signers:
            assert part_of(review, signer).status == HumanTask.Status.COMPLETED
        assert_moved_on_once(review)
        assert review.completed_by_id == cast.office_a.pk  # the held submission's author
    assert verify_chain().ok


def test_a_signature_racing_its_removal(cast: Cast) -> None:
    deploy_approval()
    for n in range(ROUNDS):
        review = office_review(cast, f"SR-remove-{n}")
        added_signers.add(review.pk, actor=cast.office_a, mode="before", signers=["reviewer"])
        part = part_of(review, cast.reviewer)
        signed, removed = race(
            partial(added_signers.sign, part.pk, actor=cast.reviewer, approved=True, opinion=""),
            partial(added_signers.remove, part.pk, actor=cast.office_a),
        )
        conflicts = [r for r in (signed, removed) if isinstance(r, Conflict)]
        assert len(conflicts) == 1, (signed, removed)
        (loser,) = conflicts
        assert loser.status == 409 and loser.code == "closed"
        assert "签署" in loser.message_zh and "减签" in loser.message_zh
        part.refresh_from_db()
        if isinstance(signed, HumanTask):  # which wins is up to the scheduler; both happen
            assert part.status == HumanTask.Status.COMPLETED and part.approved is True
        else:
            assert isinstance(removed, HumanTask), removed
            assert part.status == HumanTask.Status.CANCELLED
        # Either way the round is over and the review is its holder's again, not moved on.
        review.refresh_from_db()
        assert review.awaiting == "" and review.status == HumanTask.Status.OPEN
        assert review.assignee_id == cast.office_a.pk
    assert verify_chain().ok


def test_a_completion_racing_the_last_parallel_signer(cast: Cast) -> None:
    deploy_approval()
    for n in range(ROUNDS):
        review = office_review(cast, f"SR-parallel-{n}")
        added_signers.add(review.pk, actor=cast.office_a, mode="parallel", signers=["reviewer"])
        part = part_of(review, cast.reviewer)
        results = race(
            partial(human_tasks.complete, review.pk, actor=cast.office_a, data={"approved": True}),
            partial(added_signers.sign, part.pk, actor=cast.reviewer, approved=True, opinion=""),
        )
        # Signing first ends the round and the completion goes straight through; completing
        # first holds the submission and the signature moves it on. Both succeed either way.
        assert all(isinstance(r, HumanTask) for r in results), results
        part.refresh_from_db()
        assert part.status == HumanTask.Status.COMPLETED
        assert_moved_on_once(review)
    assert verify_chain().ok
