"""Section "timers": 10,000 instances falling due together, drained by real Celery workers, and how
late single timers fire, with wake-ups and on the beat tick alone.

Production-shaped: `celery -A config worker -l info --concurrency 2`, as scripts/run starts it, and
`celery -A config beat`, on the bench's database with a queue of their own. The instances are real
engine states of bench/timer.bpmn (start → wait PT2S → end): one is started through the service,
then copied by one INSERT … SELECT with its timer (the event's target in the state, and
next_timer_at) moved to the moment they all fall due. The reference, in the same run: the bare
engine firing the same state in one process (raw Spiff on psycopg, one transaction each), and the
old design's arithmetic (one sweep of 100 a minute).
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from config.celery import app
from workflows import instances
from workflows.deploy import bundle_for, deploy
from workflows.models import InstanceStatus, ProcessInstance, ProcessModelVersion
from workflows.spec_cache import compiled

from . import rawengine
from .database import raw_connection
from .fixtures import ROOT, World
from .report import heading, median, percentile, table
from .sizes import QUICK, Sizes

TIMER_BPMN = Path(__file__).resolve().parent / "timer.bpmn"
MODEL_KEY = "bench_timer"
QUEUE = "nqi-bench-timers"  # + "-wake" or "-poll": a fleet never gets the other's leftover wake-ups
LOG_DIR = ROOT / "var" / "bench" / "timers"  # the worker's and beat's logs of the last run
SWEEP_TASK = "workflows.fire_due_timers"
OLD_TICK_SECONDS, OLD_BATCH = 60.0, 100  # the design before issue 15: one sweep of 100 a minute
READY_TIMEOUT, DRAIN_TIMEOUT = 90.0, 900.0
_JOB_DONE = re.compile(r"Task workflows\.fire_due_timers\[[^\]]+\] succeeded in [0-9.]+s: (\d+)")


@dataclass(frozen=True)
class TimerSizes:
    drain: int  # instances falling due together
    singles: int  # timers falling due one by one
    spacing: float  # seconds between two of those starts
    raw: int  # instances the bare engine fires


FULL_TIMERS = TimerSizes(drain=10_000, singles=100, spacing=0.1, raw=2_000)
QUICK_TIMERS = TimerSizes(drain=1_000, singles=20, spacing=0.1, raw=200)


class Fleet:
    """A Celery worker started as scripts/run starts it, and beat, on the bench database and QUEUE."""

    def __init__(self, log_dir: Path, *, wake_ups: bool) -> None:
        self.wake_ups = wake_ups
        self.log_path = log_dir / f"worker-{'wake' if wake_ups else 'poll'}.log"
        self.beat_log = log_dir / f"beat-{'wake' if wake_ups else 'poll'}.log"
        self.queue = f"{QUEUE}-{'wake' if wake_ups else 'poll'}"
        self.node = f"bench-timers-{os.getpid()}@{socket.gethostname()}"
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Fleet:
        env = dict(os.environ, NQI_CELERY_QUEUE=self.queue, PYTHONUNBUFFERED="1")
        env["NQI_TIMER_WAKE_UPS"] = "1" if self.wake_ups else "0"
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        worker = [*celery, "worker", "-l", "info", "--concurrency", "2", "-Q", self.queue, "-n", self.node]
        for command, log in ((worker, self.log_path), ([*celery, "beat", "-l", "info"], self.beat_log)):
            with log.open("wb") as out:
                self.processes.append(
                    subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
                )
        # What this process queues (the wake-ups of the instances it starts) goes to the fleet.
        self.previous_queue = app.conf.task_default_queue
        app.conf.task_default_queue = self.queue
        deadline = time.monotonic() + READY_TIMEOUT
        while f"{self.node} ready." not in self.log():
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.__exit__(None, None, None)
                raise RuntimeError(f"the bench's Celery worker did not start; see {self.log_path}")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        app.conf.task_default_queue = self.previous_queue
        for process in self.processes:
            process.send_signal(signal.SIGTERM)  # warm shutdown: the job in hand finishes
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def jobs_since(self, offset: int) -> list[int]:
        """What each sweep job finished since `offset` of the log returned (instances handled)."""
        return [int(n) for n in _JOB_DONE.findall(self.log()[offset:])]


def deploy_timer() -> ProcessModelVersion:
    outcome = deploy(bundle_for(TIMER_BPMN), actor=None, model_key=MODEL_KEY)
    assert outcome.version is not None, outcome
    compiled(outcome.version)
    return outcome.version


def start(world: World) -> ProcessInstance:
    return instances.start_instance(MODEL_KEY, actor=None, org_unit_code=world.org_unit)


def due_state(state_text: str, due: datetime) -> str:
    """The state with its waiting timer's target moved to `due` (the duration timer keeps it in its
    task's internal data, `event_value`): what the engine holds after those seconds have passed."""
    state: dict[str, Any] = json.loads(state_text)
    moved = 0
    for task in state["tasks"].values():
        internal = task.get("internal_data") or {}
        if isinstance(internal.get("event_value"), str) and not internal.get("event_fired"):
            internal["event_value"] = due.isoformat()
            moved += 1
    assert moved == 1, f"expected one waiting timer, found {moved}"
    return json.dumps(state, separators=(",", ":"), ensure_ascii=False)


def seed_due(world: World, count: int) -> tuple[int, float]:
    """`count` waiting instances, all due now, in one INSERT … SELECT copying a started one.
    Returns (version id, the epoch second they became visible, i.e. committed)."""
    template = start(world)
    due = timezone.now()
    table_name = ProcessInstance._meta.db_table
    copied = [
        f.column
        for f in ProcessInstance._meta.concrete_fields
        if f.column not in ("id", "state", "next_timer_at", "previous_id")
    ]
    columns = ", ".join(copied)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table_name} SET state = %s, next_timer_at = %s WHERE id = %s",
            [due_state(template.state, due), due, template.pk],
        )
        cursor.execute(
            f"INSERT INTO {table_name} (state, next_timer_at, {columns}) "
            f"SELECT state, next_timer_at, {columns} FROM {table_name}, generate_series(2, %s) "
            "WHERE id = %s",
            [count, template.pk],
        )
        # Statistics as autovacuum keeps them on a table that did not just grow tenfold at once
        # (from the stale ones, taking the first due instance sorted every due row); in the
        # same transaction, so that the timers fall due when all is in place.
        cursor.execute(f"ANALYZE {table_name}")
    return template.version_id, time.time()


def _waiting(version_id: int) -> int:
    return ProcessInstance.objects.filter(version_id=version_id, status=InstanceStatus.WAITING).count()


def _wait_until_done(version_id: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _waiting(version_id):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{_waiting(version_id)} timers still waiting after {timeout:.0f} s")
        time.sleep(0.2)


def measure_drain(world: World, fleet: Fleet, count: int) -> dict[str, Any]:
    offset = len(fleet.log())
    version_id, visible = seed_due(world, count)
    app.send_task(SWEEP_TASK)  # what the wake-up of the turn that set them would send
    _wait_until_done(version_id, DRAIN_TIMEOUT)
    ended = list(ProcessInstance.objects.filter(version_id=version_id).values_list("status", "ended_at"))
    late = [ended_at.timestamp() - visible for status, ended_at in ended if ended_at is not None]
    jobs = fleet.jobs_since(offset)
    return {
        "instances": count,
        "completed": sum(1 for status, _ in ended if status == InstanceStatus.COMPLETED),
        "drain_s": round(max(late), 2),
        "per_s": round(count / max(late), 1),
        "p50_late_s": round(median(late), 2),
        "p95_late_s": round(percentile(late, 95), 2),
        "sweep_jobs": len(jobs),
        "jobs_that_fired": sum(1 for n in jobs if n),
    }


def measure_singles(world: World, count: int, spacing: float) -> dict[str, Any]:
    """Timers falling due one by one (started `spacing` apart, due two seconds later): how late
    each fired (its turn's time, ended_at, against its due time)."""
    started: list[tuple[int, datetime]] = []
    version_id = 0
    for _ in range(count):
        instance = start(world)
        assert instance.next_timer_at is not None
        started.append((instance.pk, instance.next_timer_at))
        version_id = instance.version_id
        time.sleep(spacing)
    _wait_until_done(version_id, 120)
    ended = dict(
        ProcessInstance.objects.filter(pk__in=[pk for pk, _ in started]).values_list("pk", "ended_at")
    )
    late = [(at - due).total_seconds() for pk, due in started if (at := ended.get(pk)) is not None]
    return {
        "timers": count,
        "fired": len(late),
        "p50_s": round(median(late), 3),
        "p95_s": round(percentile(late, 95), 3),
        "max_s": round(max(late), 3),
    }


def raw_reference(state_text: str, count: int) -> dict[str, Any]:
    """The bare engine on the same state: one process, SELECT … FOR UPDATE SKIP LOCKED of the
    first due row, load, refresh timers, run, save, commit; the cost floor of a sweep."""
    codec = rawengine.ByReferenceCodec(rawengine.parse(TIMER_BPMN, MODEL_KEY))
    with raw_connection() as conn:
        with conn.transaction():
            conn.execute("DROP TABLE IF EXISTS bench_raw_timer")
            conn.execute(
                "CREATE TABLE bench_raw_timer (id bigserial PRIMARY KEY, state text, due timestamptz)"
            )
            conn.execute("CREATE INDEX ON bench_raw_timer (due) WHERE due IS NOT NULL")
            conn.execute(
                "INSERT INTO bench_raw_timer (state, due) SELECT %s, now() FROM generate_series(1, %s)",
                (state_text, count),
            )
        began = time.perf_counter()
        fired = 0
        while True:
            with conn.transaction():
                row = conn.execute(
                    "SELECT id, state FROM bench_raw_timer WHERE due <= now() ORDER BY due LIMIT 1 "
                    "FOR UPDATE SKIP LOCKED"
                ).fetchone()
                if row is None:
                    break
                workflow = codec.load(row[1])
                workflow.refresh_timers()
                workflow.do_engine_steps()
                assert workflow.is_completed()
                conn.execute(
                    "UPDATE bench_raw_timer SET state = %s, due = NULL WHERE id = %s",
                    (codec.dump(workflow), row[0]),
                )
            fired += 1
        seconds = time.perf_counter() - began
    return {"instances": fired, "seconds": round(seconds, 2), "per_s": round(fired / seconds, 1)}


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    plan = QUICK_TIMERS if sizes == QUICK else FULL_TIMERS
    deploy_timer()
    template = start(world)
    raw = raw_reference(due_state(template.state, timezone.now()), plan.raw)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with Fleet(LOG_DIR, wake_ups=True) as fleet:
        drain = measure_drain(world, fleet, plan.drain)
        with_wake = measure_singles(world, plan.singles, plan.spacing)
    with Fleet(LOG_DIR, wake_ups=False), override_settings(NQI_TIMER_WAKE_UPS=False):
        poll_only = measure_singles(world, plan.singles, plan.spacing)
    old_drain = math.ceil(plan.drain / OLD_BATCH) * OLD_TICK_SECONDS
    result = {
        "drain": drain,
        "raw": raw,
        "raw_drain_s": round(plan.drain / raw["per_s"], 1),
        "old_drain_s": old_drain,
        "singles_wake": with_wake,
        "singles_poll": poll_only,
        "poll_seconds": settings.NQI_TIMER_POLL_SECONDS,
        "batch": settings.NQI_TIMER_BATCH,
    }
    _print(result)
    return result


def _print(r: dict[str, Any]) -> None:
    d, w, p = r["drain"], r["singles_wake"], r["singles_poll"]
    heading(f"Timers: {d['instances']:,} due at once, 2 worker processes (batch {r['batch']})")
    table(
        ["", "seconds", "inst/s", "p50 late s", "p95 late s"],
        [
            ["service, celery worker -c 2", d["drain_s"], d["per_s"], d["p50_late_s"], d["p95_late_s"]],
            ["raw Spiff, 1 process (projected)", r["raw_drain_s"], r["raw"]["per_s"], None, None],
            ["old: 100 per 60 s tick", r["old_drain_s"], d["instances"] / r["old_drain_s"], None, None],
        ],
    )
    print(f"  {d['sweep_jobs']} sweep jobs ran, {d['jobs_that_fired']} of them fired timers")
    heading("Timers falling due one by one: lateness (s)")
    table(
        ["", "timers", "p50", "p95", "max"],
        [
            ["wake-ups + beat", w["timers"], w["p50_s"], w["p95_s"], w["max_s"]],
            [f"beat every {r['poll_seconds']} s alone", p["timers"], p["p50_s"], p["p95_s"], p["max_s"]],
        ],
    )


def _lateness(row: dict[str, Any]) -> str:
    return f"{row['p50_s']:6.2f} / {row['p95_s']:6.2f} / {row['max_s']:6.2f}"


def summary(r: dict[str, Any]) -> list[str]:
    d, w, p = r["drain"], r["singles_wake"], r["singles_poll"]
    verdict_drain = "met" if d["drain_s"] <= 60 else "MISSED"
    verdict_late = "met" if w["p95_s"] <= 5 else "MISSED"
    return [
        f"Timers, {d['instances']:,} due at once, celery worker -c 2 (goal <= 60 s):",
        f"  drained in {d['drain_s']:6.1f} s  {d['per_s']:6.1f} inst/s  {verdict_drain:<6} "
        f"({d['jobs_that_fired']} sweep jobs of {r['batch']}; raw Spiff in 1 process "
        f"{r['raw']['per_s']:.1f} inst/s, {r['raw_drain_s']:.0f} s; "
        f"old design {r['old_drain_s'] / 60:.0f} min)",
        "Single timers, lateness p50 / p95 / max s (goal p95 <= 5 s):",
        f"  wake-ups + beat          {_lateness(w)}  {verdict_late}",
        f"  beat every {r['poll_seconds']} s alone     {_lateness(p)}",
    ]
