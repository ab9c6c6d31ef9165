"""加签 / 减签: signers added before, after or alongside the holder, in the human-task layer; the
engine moves on only when the round is settled. A 不同意 to a held submission sends it back."""

from __future__ import annotations

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from core.errors import Conflict, InvalidInput, PermissionDenied
from notifications.delivery import deliver
from notifications.models import Notification
from tests.approvals.support import deploy_approval
from tests.personas import OPERATOR_A, Cast
from workflows import added_signers, human_tasks, instances, migration
from workflows.models import HeldCompletion, HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db


def office_review(cast: Cast, key: str = "AS-1") -> HumanTask:
    """SQ submitted by operator_a; the office review claimed by office_a."""
    instance = instances.start_instance(
        "approval", actor=cast.operator_a, business_key=key, subject="校准", org_unit_code=OPERATOR_A
    )
    first = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(first.pk, actor=cast.operator_a, data={"title": "校准", "amount": 3})
    review = instance.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.claim(review.pk, actor=cast.office_a)
    return review


def parts(task: HumanTask) -> list[HumanTask]:
    return list(HumanTask.objects.filter(added_to=task).order_by("id"))


def steps(instance: ProcessInstance) -> list[str]:
    return sorted(
        instance.human_tasks.filter(status="open", added_to=None).values_list("task_spec", flat=True)
    )


def test_before_signers_sign_first_then_the_task_is_back_with_its_holder(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    added_signers.add(
        review.pk, actor=cast.office_a, mode="before", signers=["reviewer"], reason="请区局把关"
    )
    (part,) = parts(review)
    assert part.assignee_id == cast.reviewer.pk and part.added_by_id == cast.office_a.pk
    assert part.added_mode == "before" and part.status == "open"
    deliver()
    assert Notification.objects.filter(recipient=cast.reviewer, kind=Notification.Kind.TASK_ASSIGNED).exists()
    # The holder cannot complete, return or hand it over meanwhile.
    with pytest.raises(Conflict) as refused:
        human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True})
    assert refused.value.code == "awaiting_signers"
    # The added part is signed, not completed.
    with pytest.raises(Conflict) as refused:
        human_tasks.complete(part.pk, actor=cast.reviewer, data={"approved": True})
    assert refused.value.code == "added_signer"
    added_signers.sign(part.pk, actor=cast.reviewer, approved=True, opinion="同意")
    review.refresh_from_db()
    assert review.awaiting == "" and review.status == "open" and review.assignee_id == cast.office_a.pk
    deliver()
    assert Notification.objects.filter(recipient=cast.office_a, kind=Notification.Kind.TASK_ASSIGNED).exists()
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True})
    assert steps(review.instance) == ["district_review"]


def test_after_signers_hold_the_submission_until_they_sign(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    human_tasks.complete(
        review.pk, actor=cast.office_a, data={"approved": True}, opinion="同意", after_signers=["reviewer"]
    )
    review.refresh_from_db()
    assert review.status == "awaiting" and review.awaiting == "after"
    assert steps(review.instance) == []  # the engine has not moved
    assert HeldCompletion.objects.get(task=review).data == {"approved": True}
    (part,) = parts(review)
    added_signers.sign(part.pk, actor=cast.reviewer, approved=True, opinion="")
    review.refresh_from_db()
    assert review.status == "completed" and review.completed_by_id == cast.office_a.pk
    assert review.opinion == "同意" and review.awaiting == ""
    assert steps(review.instance) == ["district_review"]
    assert not HeldCompletion.objects.filter(task=review).exists()
    # One task.completed for the holder's submission, none again when it moved on.
    assert AuditEvent.objects.filter(action=Action.TASK_COMPLETED, target_id=str(review.pk)).count() == 1


def test_a_disagreeing_after_signer_sends_the_task_back_to_its_holder(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    human_tasks.complete(
        review.pk, actor=cast.office_a, data={"approved": True}, after_signers=["reviewer", "office_a2"]
    )
    first, second = parts(review)
    with pytest.raises(InvalidInput) as refused:
        added_signers.sign(
            first.pk,
            actor=cast.office_a2 if first.assignee_id == cast.office_a2.pk else cast.reviewer,
            approved=False,
            opinion="",
        )
    assert refused.value.fields[0].field == "opinion"  # 不同意 always needs an opinion
    signer = cast.reviewer if first.assignee_id == cast.reviewer.pk else cast.office_a2
    added_signers.sign(first.pk, actor=signer, approved=False, opinion="金额有误")
    review.refresh_from_db()
    second.refresh_from_db()
    assert review.status == "open" and review.assignee_id == cast.office_a.pk and review.awaiting == ""
    assert second.status == "cancelled"
    assert not HeldCompletion.objects.filter(task=review).exists()
    assert steps(review.instance) == ["office_review"]
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True})
    assert steps(review.instance) == ["district_review"]


def test_parallel_signers_the_last_one_moves_it_on(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    added_signers.add(review.pk, actor=cast.office_a, mode="parallel", signers=["reviewer"])
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, opinion="同意")
    review.refresh_from_db()
    assert review.status == "awaiting"
    (part,) = parts(review)
    added_signers.sign(part.pk, actor=cast.reviewer, approved=True, opinion="")
    assert steps(review.instance) == ["district_review"]


def test_parallel_signers_who_finish_first_leave_the_holder_to_complete(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    added_signers.add(review.pk, actor=cast.office_a, mode="parallel", signers=["reviewer"])
    (part,) = parts(review)
    added_signers.sign(part.pk, actor=cast.reviewer, approved=False, opinion="请补充材料")
    review.refresh_from_db()
    assert review.status == "open" and review.awaiting == ""  # a 不同意 the holder reads first
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True})
    assert steps(review.instance) == ["district_review"]


def test_removing_the_last_signer_of_a_held_submission_moves_it_on(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, after_signers=["reviewer"])
    (part,) = parts(review)
    with pytest.raises(PermissionDenied):
        added_signers.remove(part.pk, actor=cast.office_a2)
    added_signers.remove(part.pk, actor=cast.office_a)
    part.refresh_from_db()
    assert part.status == "cancelled"
    assert steps(review.instance) == ["district_review"]
    with pytest.raises(Conflict):
        added_signers.remove(part.pk, actor=cast.office_a)  # nothing left to remove
    event = AuditEvent.objects.get(action=Action.TASK_SIGNER_REMOVED)
    assert (event.after or {})["signer"] == "reviewer"


def test_a_signed_part_cannot_be_removed_nor_signed_twice(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    added_signers.add(review.pk, actor=cast.office_a, mode="before", signers=["reviewer", "office_a2"])
    first = next(p for p in parts(review) if p.assignee_id == cast.reviewer.pk)
    added_signers.sign(first.pk, actor=cast.reviewer, approved=True, opinion="")
    with pytest.raises(Conflict):
        added_signers.remove(first.pk, actor=cast.office_a)
    with pytest.raises(Conflict):
        added_signers.sign(first.pk, actor=cast.reviewer, approved=True, opinion="")
    review.refresh_from_db()
    assert review.awaiting == "before"  # office_a2 has yet to sign


@pytest.mark.parametrize(
    ("signers", "code"),
    [
        ([], "required"),
        (["office_a"], "self"),
        (["office_b"], "not_in_scope"),  # a sibling office's staff
        (["operator_a"], "not_in_scope"),  # a unit below the task's
        (["nobody"], "not_in_scope"),
        ([123], "invalid"),
        ([f"u{i}" for i in range(11)], "too_many"),
    ],
)
def test_bad_signers_are_refused_and_nothing_changes(cast: Cast, signers: list, code: str) -> None:
    deploy_approval()
    review = office_review(cast)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        added_signers.add(review.pk, actor=cast.office_a, mode="before", signers=signers)
    assert [(f.field, f.code) for f in refused.value.fields] == [("signers", code)]
    assert parts(review) == [] and AuditEvent.objects.count() == before
    review.refresh_from_db()
    assert review.awaiting == ""


def test_only_the_holder_adds_signers_and_one_round_at_a_time(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    with pytest.raises(PermissionDenied):  # claimed by office_a
        added_signers.add(review.pk, actor=cast.office_a2, mode="before", signers=["reviewer"])
    with pytest.raises(InvalidInput):
        added_signers.add(review.pk, actor=cast.office_a, mode="after", signers=["reviewer"])
    added_signers.add(review.pk, actor=cast.office_a, mode="before", signers=["reviewer"])
    with pytest.raises(Conflict) as refused:
        added_signers.add(review.pk, actor=cast.office_a, mode="parallel", signers=["office_a2"])
    assert refused.value.code == "awaiting_signers"


def test_an_added_part_is_neither_released_nor_reassigned_nor_returned(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    added_signers.add(review.pk, actor=cast.office_a, mode="before", signers=["office_a2"])
    (part,) = parts(review)
    for attempt in (
        lambda: human_tasks.unclaim(part.pk, actor=cast.office_a2),
        lambda: human_tasks.assign(part.pk, actor=cast.office_a, assignee_username="office_a"),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "added_signer"


def test_terminating_the_instance_cancels_open_parts(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, after_signers=["reviewer"])
    instances.terminate(review.instance_id, actor=cast.admin, reason="撤销")
    (part,) = parts(review)
    review.refresh_from_db()
    assert part.status == "cancelled" and review.status == "cancelled"


def test_an_instance_awaiting_added_signers_is_not_migrated(cast: Cast) -> None:
    deploy_approval()
    review = office_review(cast)
    human_tasks.complete(review.pk, actor=cast.office_a, data={"approved": True}, after_signers=["reviewer"])
    deploy_approval({"dueInDays": "4"})
    with pytest.raises(Conflict) as refused:
        migration.migrate(review.instance_id, actor=cast.admin, reason="新版本")
    assert refused.value.code == "awaiting_signers"
