"""Section 2: a long-lived assessment → guidance cycle, as a chain of instances and as a naive loop.

cycle.bpmn ends each cycle at a `continueAsNew` end event, so the service starts a fresh instance
and state never accumulates. The contrast is the same cycle as one looping instance on the raw
engine (bench/loop.bpmn), whose task tree grows every pass until Spiff stops seeing ready tasks.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import User
from django.db import reset_queries

from workflows import human_tasks, instances
from workflows import state as state_only
from workflows.models import HumanTask, ProcessInstance

from . import rawengine
from .actors import fresh
from .database import raw_connection
from .fixtures import LOOP_BPMN, World
from .report import heading, human_bytes, median, ms, table
from .sizes import Sizes

ASSESSMENT = {"score": 50}
GUIDANCE = {"reassess": True}
WINDOW = 10  # cycles per windowed median: one sample per cycle is noisy


def _open_task_id(instance_id: int) -> int:
    return int(
        HumanTask.objects.filter(instance_id=instance_id, status=HumanTask.Status.OPEN)
        .values_list("pk", flat=True)
        .get()
    )


def _state_bytes(instance_id: int) -> int:
    text = ProcessInstance.objects.values_list("state", flat=True).get(pk=instance_id)
    return len(text.encode())


def _timed_complete(instance_id: int, actor: User, data: dict[str, Any]) -> float:
    task_id = _open_task_id(instance_id)
    actor = fresh(actor)
    began = time.perf_counter()
    human_tasks.complete(task_id, actor=actor, data=dict(data))
    return time.perf_counter() - began


def service_chain(world: World, sizes: Sizes) -> dict[str, Any]:
    operator, office = world.cast.operator_a, world.cast.office_a
    instance = instances.start_instance(
        "cycle",
        actor=fresh(operator),
        data={"project": "P-0001"},
        business_key="CYCLE-0001",
        subject="质量基础设施站点建设评估",
        org_unit_code=world.org_unit,
    )
    steps: list[tuple[float, float]] = []
    marks: dict[int, dict[str, Any]] = {}
    wall_began = time.perf_counter()
    for cycle in range(1, sizes.cycles + 1):
        reset_queries()  # DEBUG's query log would overflow (and warn) over a long chain
        if instance.cycle != cycle:
            raise RuntimeError(f"expected cycle {cycle}, instance {instance.pk} is cycle {instance.cycle}")
        assessment = _timed_complete(instance.pk, operator, ASSESSMENT)
        read_by_guidance = _state_bytes(instance.pk) if cycle in sizes.cycle_marks else 0
        guidance = _timed_complete(instance.pk, office, GUIDANCE)
        steps.append((assessment, guidance))
        following = ProcessInstance.objects.filter(previous_id=instance.pk).first()
        if following is None:
            raise RuntimeError(f"cycle {cycle} (instance {instance.pk}) did not continue as a new instance")
        if cycle in sizes.cycle_marks:
            marks[cycle] = {
                "assessment_ms": ms(assessment),
                "guidance_ms": ms(guidance),
                "median_ms": ms(median([assessment, guidance])),
                "window_median_ms": ms(median([s for pair in steps[-WINDOW:] for s in pair])),
                "state_bytes_fresh": _state_bytes(following.pk),
                "state_bytes_after_assessment": read_by_guidance,
            }
        instance = following
    return {
        "cycles": sizes.cycles,
        "wall_s": round(time.perf_counter() - wall_began, 2),
        "instances_in_chain": ProcessInstance.objects.filter(business_key="CYCLE-0001").count(),
        "marks": marks,
    }


def naive_loop(sizes: Sizes) -> dict[str, Any]:
    spec = rawengine.parse(LOOP_BPMN, "loop")
    marks: dict[int, dict[str, Any]] = {}
    stalled_at: dict[str, Any] | None = None
    last: dict[str, Any] = {}
    steps: list[float] = []
    with raw_connection() as conn:
        store = rawengine.RawStore(conn, spec, rawengine.EmbeddedCodec())
        row_id = store.start()
        for passno in range(1, sizes.loop_max_passes + 1):
            sample: dict[str, Any] = {"pass": passno}
            for name, data in (("assessment", ASSESSMENT), ("guidance", GUIDANCE)):
                began = time.perf_counter()
                outcome = store.step(row_id, data)
                elapsed = time.perf_counter() - began
                if outcome is None:
                    stalled_at = {"pass": passno, "step": name, "tasks_in_tree": last.get("tasks_in_tree")}
                    break
                steps.append(elapsed)
                workflow, text = outcome
                sample[f"{name}_ms"] = ms(elapsed)
                sample["tasks_in_tree"] = len(workflow.tasks)
                if name == "assessment":
                    sample["state_bytes"] = len(text.encode())
                    sample["state_only_bytes"] = len(state_only.dump(workflow).encode())
            if stalled_at is not None:
                break
            sample["median_ms"] = ms(median(steps[-2:]))
            sample["window_median_ms"] = ms(median(steps[-2 * WINDOW :]))
            last = sample
            if passno in sizes.loop_marks:
                marks[passno] = sample
    if last and last["pass"] not in marks:
        marks[last["pass"]] = last
    return {
        "max_passes": sizes.loop_max_passes,
        "marks": marks,
        "stalled": stalled_at,
        "last_pass": last.get("pass", 0),
    }


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    heading(f"2. Long-lived cycle: {sizes.cycles} cycles as a chain of instances vs one looping instance")
    chain = service_chain(world, sizes)
    loop = naive_loop(sizes)
    print(
        f"Service, cycle.bpmn with continueAsNew ({chain['instances_in_chain']} instances, "
        f"{chain['wall_s']} s wall for the chain):"
    )
    table(
        [
            "cycle",
            "assessment ms",
            "guidance ms",
            "median ms",
            f"median ms (last {WINDOW})",
            "state after assessment",
            "state of fresh cycle",
        ],
        [
            [
                cycle,
                m["assessment_ms"],
                m["guidance_ms"],
                m["median_ms"],
                m["window_median_ms"],
                human_bytes(m["state_bytes_after_assessment"]),
                human_bytes(m["state_bytes_fresh"]),
            ]
            for cycle, m in chain["marks"].items()
        ],
    )
    print("(guidance also ends the instance and starts the next cycle's: that is the continueAsNew cost)")
    print()
    print("Raw Spiff, bench/loop.bpmn: one instance looping assessment → guidance → gateway (spec embedded):")
    table(
        [
            "pass",
            "assessment ms",
            "guidance ms",
            "median ms",
            f"median ms (last {WINDOW})",
            "tasks in tree",
            "state (embedded)",
            "state only",
        ],
        [
            [
                passno,
                m["assessment_ms"],
                m["guidance_ms"],
                m["median_ms"],
                m["window_median_ms"],
                m["tasks_in_tree"],
                human_bytes(m["state_bytes"]),
                human_bytes(m["state_only_bytes"]),
            ]
            for passno, m in sorted(loop["marks"].items())
        ],
    )
    if loop["stalled"]:
        s = loop["stalled"]
        print(
            f"STALL: at pass {s['pass']} ({s['step']}) get_tasks() sees no ready task although the "
            f"instance is not finished ({s['tasks_in_tree']} tasks in the tree; Spiff's TaskIterator "
            "stops at depth 1000)."
        )
    else:
        print(f"No stall within {loop['max_passes']} passes.")
    return {"chain": chain, "loop": loop}
