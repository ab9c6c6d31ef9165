"""Section 1: the 4-step approval through the service layer vs. the bare engine on the same diagram."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, reset_queries
from psycopg import pq

from tests.personas import Cast
from workflows import human_tasks, instances
from workflows.models import HumanTask, InstanceStatus, ProcessInstance

from . import breakdown, rawengine
from .actors import fresh
from .database import raw_connection
from .dbtime import DbTimer
from .fixtures import APPROVAL_BPMN, World
from .report import heading, human_bytes, median, ms, table
from .sizes import Sizes

# (task, persona, form data): operator → office → district reviewer → operator, as in the lifecycle test.
STEPS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("submit", "operator_a", {"title": "计量校准", "amount": 3}),
    ("office_review", "office_a", {"approved": True, "comment": "同意"}),
    ("district_review", "reviewer", {"approved": True}),
    ("archive", "operator_a", {}),
)
PHASES = ("start", *(name for name, _, _ in STEPS))


def _persona(cast: Cast, name: str) -> User:
    user = getattr(cast, name)
    assert isinstance(user, User)
    return user


def _open_task_id(instance_id: int) -> int:
    # The client's lookup (what an inbox gives it), deliberately outside the timed calls.
    return int(
        HumanTask.objects.filter(instance_id=instance_id, status=HumanTask.Status.OPEN)
        .values_list("pk", flat=True)
        .get()
    )


Observer = Callable[[str, bool], None]


def service_instance(
    world: World, n: int, observe: Observer | None = None, db: DbTimer | None = None
) -> list[float]:
    """One full approval through the services; returns the duration of each service call.

    `observe(name, before)` is called around each service call (the query profile uses it); `db`,
    installed as an execute wrapper, is switched on only inside the calls, so the client's own
    lookups do not count as the service's SQL time.
    """
    durations: list[float] = []
    # Each call gets a user object of its own, loaded as authentication loads it (one query with
    # the memberships and the area): in a request that query is the authentication's, not the
    # service's. All five are loaded up front, so that no extra query runs right before a timed
    # call: one that does slows the call after it by 0.1-0.3 ms on this machine (measured on the
    # code before this change, by adding a user SELECT there), which the bare engine never pays.
    operator = fresh(_persona(world.cast, "operator_a"))
    actors = {name: fresh(_persona(world.cast, persona)) for name, persona, _ in STEPS}
    if observe is not None:
        observe("start", True)
    _enable(db, True)
    began = time.perf_counter()
    instance = instances.start_instance(
        "approval",
        actor=operator,
        business_key=f"BENCH-{n:06d}",
        subject="计量校准申请",
        org_unit_code=world.org_unit,
    )
    durations.append(time.perf_counter() - began)
    _enable(db, False)
    if observe is not None:
        observe("start", False)
    for name, _, data in STEPS:
        task_id = _open_task_id(instance.pk)
        actor = actors[name]
        if observe is not None:
            observe(name, True)
        _enable(db, True)
        began = time.perf_counter()
        human_tasks.complete(task_id, actor=actor, data=dict(data))
        durations.append(time.perf_counter() - began)
        _enable(db, False)
        if observe is not None:
            observe(name, False)
    status = ProcessInstance.objects.values_list("status", flat=True).get(pk=instance.pk)
    if status != InstanceStatus.COMPLETED:
        raise RuntimeError(f"approval instance {instance.pk} ended {status}, not completed")
    return durations


def _enable(db: DbTimer | None, on: bool) -> None:
    if db is not None:
        db.enabled = on


def raw_instance(store: rawengine.RawStore) -> list[float]:
    durations: list[float] = []
    began = time.perf_counter()
    row_id = store.start()
    durations.append(time.perf_counter() - began)
    for _, _, data in STEPS:
        began = time.perf_counter()
        if store.step(row_id, dict(data)) is None:
            raise RuntimeError("raw approval stalled")
        durations.append(time.perf_counter() - began)
    return durations


def _measure(runners: dict[str, Callable[[int], list[float]]], count: int, warmups: int) -> dict[str, Any]:
    """Run the paths round-robin, one instance each in turn, so that load from anything else on the
    machine (a shared PostgreSQL, a test run) hits every path alike and the ratios stay honest."""
    keys = list(runners)
    for n in range(warmups):
        for key in keys:
            runners[key](-1 - n)
    per_phase: dict[str, list[list[float]]] = {key: [[] for _ in PHASES] for key in keys}
    total = dict.fromkeys(keys, 0.0)
    for n in range(count):
        # DEBUG keeps a query log; emptying it keeps it from overflowing (and warning) mid-run.
        reset_queries()
        for key in keys[n % len(keys) :] + keys[: n % len(keys)]:
            durations = runners[key](n)
            total[key] += sum(durations)
            for i, seconds in enumerate(durations):
                per_phase[key][i].append(seconds)
    return {
        key: {
            "instances": count,
            "instances_per_s": count / total[key],
            "ms_per_step": ms(total[key] / (count * len(PHASES))),
            "ms_per_instance": ms(total[key] / count),
            "median_ms_by_phase": {
                phase: ms(median(values)) for phase, values in zip(PHASES, per_phase[key], strict=True)
            },
        }
        for key in keys
    }


_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', re.IGNORECASE)


_WRITE = re.compile(r'(INSERT\s+INTO|UPDATE)\s+"?([a-z_0-9]+)"?', re.IGNORECASE)


def _kind(sql: str) -> str:
    verb = sql.lstrip().split(None, 1)[0].upper()
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return verb
    if verb == "WITH":
        # A data-modifying CTE: name it by the tables it writes.
        tables = sorted({m.group(2) for m in _WRITE.finditer(sql)})
        return f"WITH ... writing {', '.join(tables) or '?'}"
    found = _TABLE.search(sql)
    return f"{verb} {found.group(1) if found else '?'}"


def _query_profile(world: World, samples: int) -> dict[str, Any]:
    """Round trips per service call, as the timed run makes them (the client's lookups are not
    counted). An execute wrapper sees each statement and what travelled with it (core.db.statements);
    a BEGIN or COMMIT that psycopg sent on its own is a round trip of its own and counted apart.
    Django's query log is no use here: while it is on, statements go one by one (to be logged)."""
    per_call: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    current = [""]

    def count(kind: str) -> None:
        if current[0]:  # inside a service call, not the client's own lookups
            per_call[current[0]] += 1
            kinds[kind] += 1

    def spy(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        travels_with = context.get("travels_with", "")
        if not travels_with and connection.in_atomic_block and _server_idle():
            count("BEGIN")  # psycopg starts the transaction first, in a round trip of its own
        count(_kind(sql) + (f" + {travels_with}" if travels_with else ""))
        return execute(sql, params, many, context)

    def observe(name: str, before: bool) -> None:
        current[0] = name if before else ""

    plain_commit = connection.commit

    def counting_commit() -> None:
        if not _server_idle():
            count("COMMIT")  # not carried by the last statement: a round trip of its own
        plain_commit()

    connection.commit = counting_commit  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(spy):
            for n in range(samples):
                service_instance(world, 900_000 + n, observe)
    finally:
        del connection.commit
    return {
        "per_instance": sum(per_call.values()) / samples,
        "per_call": {name: per_call[name] / samples for name in PHASES},
        "kinds_per_instance": {k: v / samples for k, v in kinds.most_common()},
    }


def _server_idle() -> bool:
    return bool(connection.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE)


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    heading(f"1. Service vs bare engine: {sizes.approval_instances} four-step approvals")
    spec = rawengine.parse(APPROVAL_BPMN, "approval")
    db = DbTimer()
    db.enabled = False
    with raw_connection() as conn, connection.execute_wrapper(db):
        embedded = rawengine.RawStore(conn, spec, rawengine.EmbeddedCodec())
        by_reference = rawengine.RawStore(conn, spec, rawengine.ByReferenceCodec(spec))
        results: dict[str, Any] = _measure(
            {
                "service": lambda n: service_instance(world, n, db=db),
                "raw_embedded": lambda _n: raw_instance(embedded),
                "raw_by_reference": lambda _n: raw_instance(by_reference),
            },
            sizes.approval_instances,
            sizes.warmup_instances,
        )
        for key, store in (("raw_embedded", embedded), ("raw_by_reference", by_reference)):
            results[key]["state_bytes_after_start"] = len(store.state_text(store.start()).encode())
    fresh_instance = instances.start_instance(
        "approval", actor=None, business_key="BENCH-SIZE", org_unit_code=world.org_unit
    )
    results["service"]["state_bytes_after_start"] = len(fresh_instance.state.encode())
    # Warm-up instances ran SQL too; the per-step share is computed over all service calls made.
    calls = (sizes.approval_instances + sizes.warmup_instances) * len(PHASES)
    results["service"]["db_ms_per_step"] = ms(db.seconds / calls)
    results["service"]["queries_per_step"] = round(db.queries / calls, 1)
    results["queries"] = _query_profile(world, sizes.query_sample_instances)
    with breakdown.recording() as recorder:
        for n in range(sizes.breakdown_instances):
            service_instance(world, 800_000 + n)
    results["complete_breakdown_ms"] = [
        {"part": label.strip(), "ms": round(wall, 3), "sql_ms": round(sql, 3), "calls": calls}
        for label, wall, sql, calls in breakdown.rows(recorder)
    ]
    results["complete_breakdown_rows"] = breakdown.rows(recorder)
    service = results["service"]
    for key in ("raw_embedded", "raw_by_reference"):
        results[f"ratio_vs_{key}"] = round(service["instances_per_s"] / results[key]["instances_per_s"], 3)
    _print(results)
    return results


def _print(r: dict[str, Any]) -> None:
    labels = {
        "service": "service layer",
        "raw_embedded": "raw Spiff, spec embedded",
        "raw_by_reference": "raw Spiff, spec by reference",
    }
    rows = []
    for key, label in labels.items():
        m = r[key]
        ratio = 1.0 if key == "service" else r[f"ratio_vs_{key}"]
        rows.append(
            [
                label,
                m["instances_per_s"],
                m["ms_per_step"],
                m["ms_per_instance"],
                *m["median_ms_by_phase"].values(),
                ratio,
            ]
        )
    table(["path", "inst/s", "ms/step", "ms/inst", *(f"{p} p50" for p in PHASES), "service/this"], rows)
    print()
    q = r["queries"]
    s = r["service"]
    print(
        f"Service path: {q['per_instance']:.1f} round trips to PostgreSQL per instance (start + 4 "
        f"completions; BEGIN and COMMIT travel with the first and last statement); "
        f"{s['db_ms_per_step']:.2f} of {s['ms_per_step']:.2f} ms per step are spent in "
        f"{s['queries_per_step']:.1f} statements (psycopg execute, with what travels with them), "
        "the rest in Python."
    )
    table(["call", "round trips"], [[name, count] for name, count in q["per_call"].items()])
    print()
    print(
        "State after start: service {}, raw embedded {}, raw by reference {}".format(
            *(human_bytes(r[k]["state_bytes_after_start"]) for k in labels)
        )
    )
    print()
    table(["round trip (per instance)", "count"], [[k, v] for k, v in q["kinds_per_instance"].items()])
    print()
    print(
        "Where one complete() call spends its time (separate instrumented pass; SQL = time in "
        "psycopg execute, COMMIT included where it travels with the last statement):"
    )
    table(["component", "ms", "of which SQL ms", "calls"], r.pop("complete_breakdown_rows"))
    print()
    print(
        f"Ratio service/raw (goal >= 0.7): vs spec embedded {r['ratio_vs_raw_embedded']:.2f}, "
        f"vs spec by reference {r['ratio_vs_raw_by_reference']:.2f}"
    )
