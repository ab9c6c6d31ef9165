"""Section: a 20-signer parallel countersign (会签), each signature against a plain completion.

The goal (issue #15): every signer's completion costs at most twice a plain single-task
completion of the same step, and does not grow with the signer's place: the 20th signature
costs what the 1st does. The reference is the same diagram with the multi-instance marker
removed (one plain task of the same lane and form), measured in the same run.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.contrib.auth.models import User
from django.db import reset_queries

from casemgmt.models import Membership, OrgUnit
from tests.personas import AREA_A
from workflows import human_tasks, instances
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask
from workflows.spec_cache import compiled

from .actors import fresh
from .fixtures import BPMN_DIR, World
from .report import ms, percentile
from .sizes import Sizes

SIGNERS = 20
VETO = "<bpmn:completionCondition>rejected &gt; 0</bpmn:completionCondition>"
DECISION = {"approved": True, "comment": "同意"}


def _deploy(world: World) -> None:
    files = bundle_for(BPMN_DIR / "countersign.bpmn")
    xml = files["countersign.bpmn"].replace(VETO, "")  # all must sign
    opening, closing = "<bpmn:multiInstanceLoopCharacteristics>", "</bpmn:multiInstanceLoopCharacteristics>"
    plain = xml[: xml.index(opening)] + xml[xml.index(closing) + len(closing) :]
    for key, text in (("bench_countersign", xml), ("bench_plain_sign", plain)):
        outcome = deploy({**files, "countersign.bpmn": text}, actor=None, model_key=key)
        assert outcome.version is not None
        compiled(outcome.version)


def _signers() -> list[User]:
    office = OrgUnit.objects.get(code=AREA_A)
    users = []
    for i in range(SIGNERS):
        user, _ = User.objects.get_or_create(username=f"bench_signer{i:02d}")
        Membership.objects.get_or_create(user=user, org_unit=office, role="office_staff")
        users.append(user)
    return users


def _timed_complete(task_id: int, actor: User) -> float:
    loaded = fresh(actor)
    began = time.perf_counter()
    human_tasks.complete(task_id, actor=loaded, data=dict(DECISION))
    return time.perf_counter() - began


def _start(world: World, key: str, signers: list[str]) -> int:
    instance = instances.start_instance(
        key, actor=fresh(world.cast.operator_a), org_unit_code=world.org_unit, data={"signers": signers}
    )
    return int(instance.pk)


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    _deploy(world)
    signers = _signers()
    rounds = max(2, 2 * sizes.warmup_instances)
    plain: list[float] = []
    by_place: list[list[float]] = [[] for _ in range(SIGNERS)]
    for round_number in range(rounds + 1):  # the first round warms up and is not counted
        reset_queries()
        plain_id = _start(world, "bench_plain_sign", [])
        task = HumanTask.objects.get(instance_id=plain_id, status=HumanTask.Status.OPEN)
        plain_time = _timed_complete(task.pk, signers[0])
        case_id = _start(world, "bench_countersign", [user.username for user in signers])
        parts = {
            row.assignee_id: row.pk
            for row in HumanTask.objects.filter(instance_id=case_id, status=HumanTask.Status.OPEN)
        }
        times = [_timed_complete(parts[user.pk], user) for user in signers]
        if round_number == 0:
            continue
        plain.append(plain_time)
        for place, seconds in enumerate(times):
            by_place[place].append(seconds)
    plain_median = statistics.median(plain)
    every = [seconds for place in by_place for seconds in place]
    p95 = percentile(every, 95)
    return {
        "signers": SIGNERS,
        "rounds": rounds,
        "plain_ms": ms(plain_median),
        "signature_median_ms": ms(statistics.median(every)),
        "signature_p95_ms": ms(p95),
        "first_ms": ms(statistics.median(by_place[0])),
        "middle_ms": ms(statistics.median(by_place[SIGNERS // 2 - 1])),
        "last_ms": ms(statistics.median(by_place[-1])),
        "ratio_median": round(statistics.median(every) / plain_median, 2),
        "ratio_p95": round(p95 / plain_median, 2),
    }


def summary(r: dict[str, Any]) -> list[str]:
    n = r["signers"]
    return [
        f"Countersign, {n} named signers in parallel, {r['rounds']} rounds (complete() latency):",
        f"  plain single-task completion (reference) {r['plain_ms']:6.2f} ms",
        f"  signature: median {r['signature_median_ms']:6.2f} ms, p95 {r['signature_p95_ms']:6.2f} ms; "
        f"1st {r['first_ms']:.2f}, {n // 2}th {r['middle_ms']:.2f}, {n}th (ends it) {r['last_ms']:.2f} ms",
        f"  signature/plain: median {r['ratio_median']:.2f}x, p95 {r['ratio_p95']:.2f}x (goal <= 2x)",
    ]
