"""Seeding section 3: a million open human tasks written by server-side SQL, and the users who look.

INSERT ... SELECT ... generate_series on the server: the ORM would take minutes and measure
Python, not the query under test.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction

from casemgmt.models import Membership, OrgUnit
from casemgmt.org.lanes import DISTRICT_CODE
from workflows.registry import group_key

from .fixtures import World
from .sizes import Sizes

USER_GROUPS = 5
CLAIMED_BY_USER = 25
ROLE_EVEN, ROLE_ODD = "office_staff", "operator"
BIG_ROLE = "district_reviewer"
BIG_GROUP = group_key(BIG_ROLE, DISTRICT_CODE)

INSTANCES_SQL = """
INSERT INTO workflows_processinstance
    (version_id, status, state, row_version, business_key, subject, org_unit_code, started_at,
     last_error, error_task_spec, suspended_from, cycle, message_waits)
SELECT %(version)s, 'running', '{}', 1, 'INBOX-' || lpad(g::text, 6, '0'), '收件箱压测 ' || g,
       'unit-' || lpad(mod(g, %(groups)s)::text, 4, '0'), now() - make_interval(mins => g), '', '', '', 1, 0
FROM generate_series(0, %(instances)s - 1) AS g
"""

NUMBERED_SQL = """
CREATE TEMP TABLE bench_inbox_instances ON COMMIT DROP AS
SELECT (row_number() OVER (ORDER BY id) - 1) AS n, id
FROM workflows_processinstance WHERE starts_with(business_key, 'INBOX-')
"""

# Group g: even groups are office staff, odd ones operators, each in its own unit-NNNN. Each
# instance holds a contiguous block of tasks, so one instance's tasks span several groups.
TASKS_SQL = """
INSERT INTO workflows_humantask
    (instance_id, spiff_task_id, task_spec, title, lane, candidate_role, candidate_org_unit,
     candidate_group, assignee_id, status, due_at, priority, form_file, instructions, created_at,
     claimed_at, claimed_by_id, completed_at, completed_by_id, signer)
SELECT i.id, gen_random_uuid(), 'office_review', '市场监管所审核 #' || s.g, s.lane,
       s.role, s.unit, s.role || '@' || s.unit,
       NULL, 'open', now() + make_interval(days => mod(s.g, 60)::int - 20), (random() * 100)::int,
       'review.json', '', now() - make_interval(secs => mod(s.g, 100000)), NULL, NULL, NULL, NULL, ''
FROM (
    SELECT g,
           CASE WHEN mod(mod(g, %(groups)s), 2) = 0 THEN %(role_even)s ELSE %(role_odd)s END AS role,
           CASE WHEN mod(mod(g, %(groups)s), 2) = 0 THEN '市场监管所' ELSE 'operator' END AS lane,
           'unit-' || lpad(mod(g, %(groups)s)::text, 4, '0') AS unit,
           mod(g / %(per_instance)s, %(instances)s) AS n
    FROM generate_series(0, %(tasks)s - 1) AS g
) AS s
JOIN bench_inbox_instances AS i ON i.n = s.n
"""

# One district-wide group holding many tasks: every district review lands in the same group, so
# this is the shape a district reviewer's inbox really has.
BIG_GROUP_SQL = """
INSERT INTO workflows_humantask
    (instance_id, spiff_task_id, task_spec, title, lane, candidate_role, candidate_org_unit,
     candidate_group, assignee_id, status, due_at, priority, form_file, instructions, created_at,
     claimed_at, claimed_by_id, completed_at, completed_by_id, signer)
SELECT i.id, gen_random_uuid(), 'district_review', '区局审核 #' || g, 'district_reviewer',
       %(role)s, %(unit)s, %(group)s, NULL, 'open', now() + make_interval(days => mod(g, 60)::int - 20),
       (random() * 100)::int, 'review.json', '', now() - make_interval(secs => g), NULL, NULL, NULL, NULL, ''
FROM generate_series(0, %(tasks)s - 1) AS g
JOIN bench_inbox_instances AS i ON i.n = mod(g, %(instances)s)
"""

CLAIM_SQL = """
UPDATE workflows_humantask SET assignee_id = %(user)s, claimed_by_id = %(user)s, claimed_at = now()
WHERE id IN (SELECT id FROM workflows_humantask WHERE candidate_group = %(group)s ORDER BY id LIMIT %(n)s)
"""


def unit_code(group: int) -> str:
    return f"unit-{group:04d}"


def seed(world: World, sizes: Sizes) -> dict[str, Any]:
    began = time.perf_counter()
    params: dict[str, int | str] = {
        "version": world.approval.pk,
        "groups": sizes.inbox_groups,
        "instances": sizes.inbox_instances,
        "tasks": sizes.inbox_tasks,
        "per_instance": max(1, sizes.inbox_tasks // sizes.inbox_instances),
        "role_even": ROLE_EVEN,
        "role_odd": ROLE_ODD,
    }
    big: dict[str, int | str] = {
        "tasks": sizes.inbox_big_group_tasks,
        "instances": sizes.inbox_instances,
        "role": BIG_ROLE,
        "unit": DISTRICT_CODE,
        "group": BIG_GROUP,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSTANCES_SQL, params)
        cursor.execute(NUMBERED_SQL)
        cursor.execute(TASKS_SQL, params)
        inserted = cursor.rowcount
        cursor.execute(BIG_GROUP_SQL, big)
        inserted_big = cursor.rowcount
    with connection.cursor() as cursor:
        # VACUUM as well as ANALYZE: a table autovacuum has seen (visibility map set) is the
        # steady state; right after a bulk load index-only scans would still visit the heap.
        cursor.execute("VACUUM (ANALYZE) workflows_processinstance")
        cursor.execute("VACUUM (ANALYZE) workflows_humantask")
        cursor.execute(
            "SELECT count(*), pg_total_relation_size('workflows_humantask') FROM workflows_humantask"
        )
        row = cursor.fetchone()
    assert row is not None
    return {
        "seconds": round(time.perf_counter() - began, 1),
        "inserted": inserted,
        "inserted_big_group": inserted_big,
        "rows": row[0],
        "table_bytes": row[1],
    }


def inbox_user(sizes: Sizes) -> tuple[User, list[str]]:
    """A user in USER_GROUPS of the seeded groups (all even, so office staff), with a few claimed tasks."""
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    user = User.objects.create_user("inbox_user", password="bench-only")  # noqa: S106
    step = sizes.inbox_groups // USER_GROUPS
    groups = []
    for k in range(USER_GROUPS):
        number = k * step - (k * step) % 2  # keep it even: office staff groups
        unit = OrgUnit.objects.create(
            code=unit_code(number), name=f"压测单位{number}", kind=OrgUnit.Kind.OFFICE, parent=district
        )
        Membership.objects.create(user=user, org_unit=unit, role=ROLE_EVEN)
        groups.append(group_key(ROLE_EVEN, unit.code))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, {"user": user.pk, "group": groups[0], "n": CLAIMED_BY_USER})
    return user, groups
