"""Section: one instance sent back 100 times (退回), its step time against the first round.

The goal (issue 17): state stays bounded, so the 100th round's steps cost at most twice the
first's. A round is the office review returning the case to the submission (return_task) and
the operator submitting it again (complete); both are timed, and the state size is read after
each round. Spiff drops everything after the task a return goes back to, so neither the tree nor
the rows a turn reads should grow; the superseded rows stay behind as history only.
"""

from __future__ import annotations

import statistics
import time
from functools import partial
from typing import Any

from workflows import human_tasks, instances, returns
from workflows.models import HumanTask, ProcessInstance

from .actors import fresh
from .fixtures import World
from .report import ms
from .sizes import Sizes

ROUNDS = 100
MARKS = (1, 10, 50, 100)
SUBMIT = {"title": "退回测试", "amount": 1}
WINDOW = 5  # rounds around each mark whose median is reported


def _timed(action: Any) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    del sizes  # the goal is about 100 rounds; a quick run does the same
    cast = world.cast
    instance = instances.start_instance(
        "approval", actor=fresh(cast.operator_a), org_unit_code=world.org_unit, business_key="BENCH-RETURNS"
    )
    open_row = HumanTask.objects.get(instance=instance, status=HumanTask.Status.OPEN)
    human_tasks.complete(open_row.pk, actor=fresh(cast.operator_a), data=dict(SUBMIT))
    returning: list[float] = []
    submitting: list[float] = []
    state_bytes: list[int] = []
    for n in range(ROUNDS):
        review = HumanTask.objects.get(instance=instance, status=HumanTask.Status.OPEN)
        target = HumanTask.objects.get(instance=instance, task_spec="submit", superseded=0)
        returning.append(
            _timed(
                partial(
                    returns.return_task,
                    review.pk,
                    actor=fresh(cast.office_a),
                    target_id=target.pk,
                    opinion=f"第{n + 1}次退回",
                )
            )
        )
        reopened = HumanTask.objects.get(instance=instance, status=HumanTask.Status.OPEN)
        submitting.append(
            _timed(
                partial(human_tasks.complete, reopened.pk, actor=fresh(cast.operator_a), data=dict(SUBMIT))
            )
        )
        state_bytes.append(len(ProcessInstance.objects.values_list("state", flat=True).get(pk=instance.pk)))

    def around(series: list[float], mark: int) -> float:
        low = max(0, min(mark - 1, len(series) - WINDOW))
        return statistics.median(series[low : low + WINDOW])

    marks = {
        mark: {
            "return_ms": ms(around(returning, mark)),
            "submit_ms": ms(around(submitting, mark)),
            "state_bytes": state_bytes[mark - 1],
        }
        for mark in MARKS
    }
    first = marks[1]["return_ms"] + marks[1]["submit_ms"]
    last = marks[ROUNDS]["return_ms"] + marks[ROUNDS]["submit_ms"]
    return {
        "rounds": ROUNDS,
        "marks": marks,
        "rows": HumanTask.objects.filter(instance=instance).count(),
        "ratio": round(last / first, 2),
    }


def summary(r: dict[str, Any]) -> list[str]:
    lines = [f"Returns (退回), one instance sent back {r['rounds']} times (return, resubmit; medians of 5):"]
    for mark, m in r["marks"].items():
        lines.append(
            f"  round {int(mark):4d}: return {m['return_ms']:6.2f} ms, resubmit {m['submit_ms']:6.2f} ms, "
            f"state {m['state_bytes']} B"
        )
    lines.append(f"  round {r['rounds']}/round 1: {r['ratio']:.2f}x (goal <= 2x); {r['rows']} task rows kept")
    return lines
