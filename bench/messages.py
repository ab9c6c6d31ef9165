"""Section: delivering one message to the one matching instance among a million waiting ones.

The goal (issue #15): ≤ 10 ms server time at p95 for send_message() when 1,000,000 instances wait
for the same message with other correlation values. The million are written by server-side SQL
(an instance row and its MessageWait row each, status waiting); their state is never read, since
the lookup goes through the MessageWait index and only the one matching instance is loaded. The
receivers are real instances of tests/workflows/bpmn/await_reply.bpmn, started and advanced to
their catch through the service. The reference in the same run: completing the task each receiver
then has (a plain turn of the same instance).
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction

from workflows import human_tasks, instances, messages
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask
from workflows.sending import SendRequest
from workflows.spec_cache import compiled

from .actors import fresh
from .fixtures import BPMN_DIR, World
from .report import median, ms, percentile
from .sizes import Sizes

REPLY = "部门回复"

INSTANCES_SQL = """
INSERT INTO workflows_processinstance
    (version_id, status, state, row_version, business_key, subject, org_unit_code, started_at,
     last_error, error_task_spec, suspended_from, cycle, message_waits)
SELECT %(version)s, 'waiting', '{}', 1, 'MSG-' || lpad(g::text, 7, '0'), '消息压测 ' || g,
       %(unit)s, now(), '', '', '', 1, 1
FROM generate_series(0, %(count)s - 1) AS g
"""

WAITS_SQL = """
INSERT INTO workflows_messagewait (instance_id, kind, name, correlation)
SELECT id, 'message', %(name)s, jsonb_build_object('case_no', business_key)
FROM workflows_processinstance WHERE starts_with(business_key, 'MSG-')
"""


def _seed(version_id: int, unit: str, count: int) -> float:
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSTANCES_SQL, {"version": version_id, "unit": unit, "count": count})
        cursor.execute(WAITS_SQL, {"name": REPLY})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflows_processinstance")
        cursor.execute("ANALYZE workflows_messagewait")
    return time.perf_counter() - began


def _receiver(world: World, n: int) -> int:
    actor = fresh(world.cast.operator_a)
    case = instances.start_instance(
        "await_reply", actor=actor, org_unit_code=world.org_unit, data={"case_no": f"RCV-{n:05d}"}
    )
    task = HumanTask.objects.get(instance_id=case.pk, status=HumanTask.Status.OPEN)
    human_tasks.complete(task.pk, actor=fresh(world.cast.operator_a), data={})
    return int(case.pk)


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    outcome = deploy(bundle_for(BPMN_DIR / "await_reply.bpmn"), actor=None, model_key="await_reply")
    assert outcome.version is not None
    compiled(outcome.version)
    seed_seconds = _seed(outcome.version.pk, world.org_unit, sizes.message_waiting)
    receivers = [_receiver(world, n) for n in range(sizes.message_samples + sizes.warmup_instances)]
    sends: list[float] = []
    completions: list[float] = []
    for number, instance_id in enumerate(receivers):
        request = SendRequest(REPLY, f"bench-{number}", {"case_no": f"RCV-{number:05d}"}, {"opinion": "同意"})
        sender = fresh(world.cast.office_a)
        began = time.perf_counter()
        sent = messages.send_message(request, actor=sender)
        send_time = time.perf_counter() - began
        if sent.instance_id != instance_id:
            raise RuntimeError(f"message {number} reached {sent.instance_id}, not {instance_id}")
        task = HumanTask.objects.get(instance_id=instance_id, status=HumanTask.Status.OPEN)
        office = fresh(world.cast.office_a)
        began = time.perf_counter()
        human_tasks.complete(task.pk, actor=office, data={})
        complete_time = time.perf_counter() - began
        if number >= sizes.warmup_instances:
            sends.append(send_time)
            completions.append(complete_time)
    return {
        "waiting": sizes.message_waiting,
        "seed_seconds": round(seed_seconds, 1),
        "samples": len(sends),
        "send_median_ms": ms(median(sends)),
        "send_p95_ms": ms(percentile(sends, 95)),
        "complete_median_ms": ms(median(completions)),
        "complete_p95_ms": ms(percentile(completions, 95)),
    }


def summary(r: dict[str, Any]) -> list[str]:
    return [
        f"Messages: one message to the one matching instance among {r['waiting']:,} waiting "
        f"({r['samples']} sends; the waiting ones seeded in {r['seed_seconds']} s):",
        f"  send_message()     median {r['send_median_ms']:6.2f} ms, p95 {r['send_p95_ms']:6.2f} ms "
        "(goal p95 <= 10 ms)",
        f"  task completion    median {r['complete_median_ms']:6.2f} ms, p95 {r['complete_p95_ms']:6.2f} ms "
        "(reference: the same instances' next turn)",
    ]
