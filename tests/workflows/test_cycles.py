"""A cycle repeated 1,000 times stays small: each pass continues as a fresh instance (docs/design.md D7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from audit.models import AuditEvent
from tests.personas import OPERATOR_A, Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, InstanceStatus, ProcessInstance

pytestmark = pytest.mark.django_db

CYCLES = 1000


def current(business_key: str) -> ProcessInstance:
    return ProcessInstance.objects.filter(business_key=business_key).order_by("-id").first()  # type: ignore[return-value]


def one_cycle(cast: Cast, business_key: str, reassess: bool) -> ProcessInstance:
    case = current(business_key)
    task = case.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=cast.operator_a, data={"score": 50})
    task = case.human_tasks.get(status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=cast.office_a, data={"reassess": reassess})
    case.refresh_from_db()
    return case


def test_a_thousand_cycles_keep_state_bounded(cast: Cast, deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("cycle")
    first = instances.start_instance(
        "cycle",
        actor=cast.operator_a,
        org_unit_code=OPERATOR_A,
        business_key="PJ-001",
        data={"project": "方松"},
    )
    sizes: dict[int, int] = {}
    for n in range(1, CYCLES + 1):
        sizes[n] = len(current("PJ-001").state)
        finished = one_cycle(cast, "PJ-001", reassess=n < CYCLES)
        assert finished.status == InstanceStatus.COMPLETED
    last = current("PJ-001")
    assert last == finished, "the final pass ends without continuing"
    assert last.cycle == CYCLES
    assert ProcessInstance.objects.filter(business_key="PJ-001").count() == CYCLES
    # Step cost follows state size; the last cycle's state is no larger than the first's.
    assert sizes[CYCLES] <= sizes[1] * 1.2, (sizes[1], sizes[CYCLES])
    chain = ProcessInstance.objects.get(pk=first.pk)
    assert chain.continuation.cycle == 2
    assert AuditEvent.objects.filter(action="instance.continued").count() == CYCLES - 1


def test_carried_data_reaches_the_next_cycle(cast: Cast, deploy_fixture: Callable[[str], Any]) -> None:
    deploy_fixture("cycle")
    instances.start_instance(
        "cycle",
        actor=cast.operator_a,
        org_unit_code=OPERATOR_A,
        business_key="PJ-002",
        data={"project": "方松", "scratch": "x" * 100},
    )
    one_cycle(cast, "PJ-002", reassess=True)
    nxt = current("PJ-002")
    assert nxt.cycle == 2 and nxt.status == InstanceStatus.RUNNING
    from workflows.runtime import load_workflow

    data = load_workflow(nxt).task_tree.data
    assert data == {"project": "方松", "score": 50}, "only the carried names move on"
