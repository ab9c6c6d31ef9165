"""Twenty people at once on one task: exactly one wins, the rest get a conflict, state stays whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from audit.verify import verify_chain
from casemgmt.models import Membership, OrgUnit
from core.errors import Conflict, ServiceError
from tests.concurrency import run_concurrently
from tests.factories import make_user
from tests.personas import AREA_A, OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, ProcessInstance

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 20


@pytest.fixture
def office_review(
    cast: Cast, deploy_fixture: Callable[[str], Any]
) -> tuple[ProcessInstance, HumanTask, list[Any]]:
    deploy_fixture("approval")
    case = instances.start_instance("approval", actor=cast.operator_a, org_unit_code=OPERATOR_A)
    first = case.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(first.pk, actor=cast.operator_a, data={"title": "并发", "amount": 1})
    task = case.human_tasks.get(status=HumanTask.Status.OPEN)
    office = OrgUnit.objects.get(code=AREA_A)
    colleagues = []
    for i in range(WORKERS):
        user = make_user(username=f"clerk{i}")
        Membership.objects.create(user=user, org_unit=office, role="office_staff")
        colleagues.append(user)
    return case, task, colleagues


def test_twenty_concurrent_claims_one_winner(
    office_review: tuple[ProcessInstance, HumanTask, list[Any]],
) -> None:
    case, task, colleagues = office_review
    results = run_concurrently(lambda i: human_tasks.claim(task.pk, actor=colleagues[i]))
    winners = [r for r in results if isinstance(r, HumanTask)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == WORKERS - 1, results
    assert all(r.code == "taken" for r in losers)
    task.refresh_from_db()
    assert task.assignee == winners[0].assignee
    assert case.human_tasks.filter(status=HumanTask.Status.OPEN).count() == 1
    assert verify_chain().ok


def test_twenty_concurrent_completions_one_winner(
    office_review: tuple[ProcessInstance, HumanTask, list[Any]],
) -> None:
    case, task, colleagues = office_review
    results = run_concurrently(
        lambda i: human_tasks.complete(
            task.pk, actor=colleagues[i], data={"approved": True, "comment": str(i)}
        )
    )
    winners = [r for r in results if isinstance(r, HumanTask)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    unexpected = [r for r in results if not isinstance(r, HumanTask | ServiceError)]
    assert not unexpected, unexpected
    assert len(winners) == 1 and len(conflicts) == WORKERS - 1, results
    case.refresh_from_db()
    # Exactly one completion moved the process on: one district review task, one completed review.
    assert case.human_tasks.filter(task_spec="office_review", status="completed").count() == 1
    assert list(case.human_tasks.filter(status="open").values_list("task_spec", flat=True)) == [
        "district_review"
    ]
    assert case.row_version == 4  # start, first completion, the winning completion (+1 per save)
    assert verify_chain().ok
