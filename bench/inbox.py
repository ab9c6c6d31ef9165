"""Section 3: inbox queries over a million open human tasks, through the real API view.

Two users: one in five ordinary groups (~200 open tasks each), and the district reviewer, whose
single district-wide group holds tens of thousands. Beside the timings it prints EXPLAIN ANALYZE
of what the view runs, and of a candidate query shape (top-N per group, then merge).
"""

from __future__ import annotations

import textwrap
import time
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from casemgmt.org.directory import groups_of

from .actors import fresh
from .dbtime import DbTimer
from .fixtures import World
from .inbox_page import summary as page_summary
from .inbox_page import time_page
from .inbox_seed import BIG_GROUP, CLAIMED_BY_USER, inbox_user, seed
from .report import heading, human_bytes, ms, percentile, table
from .sizes import Sizes

GOAL_P95_MS = 20.0
PAGE = 50

# The candidate shape: for each group, the first page from its own index range (index-only on
# htask_claimable / htask_mine), then merge. Cost follows the page size, not the group sizes.
TOP_N_SQL = """
SELECT id FROM (
    SELECT t.id, t.priority FROM unnest(%(groups)s::text[]) AS g(grp)
    CROSS JOIN LATERAL (
        SELECT h.id, h.priority FROM workflows_humantask h
        WHERE h.candidate_group = g.grp AND h.status = 'open' AND h.assignee_id IS NULL
        ORDER BY h.priority DESC, h.id LIMIT %(depth)s
    ) AS t
    UNION ALL
    (SELECT h.id, h.priority FROM workflows_humantask h
     WHERE h.assignee_id = %(user)s AND h.status = 'open'
     ORDER BY h.priority DESC, h.id LIMIT %(depth)s)
) AS page
ORDER BY priority DESC, id LIMIT %(limit)s
"""


def time_view(user: User, view: str, requests: int, warmups: int) -> dict[str, Any]:
    client = APIClient()
    latencies: list[float] = []
    db_times: list[float] = []
    count = None
    db = DbTimer()
    for i in range(warmups + requests):
        # A fresh user object per request, as the auth middleware would load: membership caches on
        # the object must not make later requests cheaper than a real one.
        client.force_authenticate(user=fresh(user))
        reset_queries()  # DEBUG's query log would otherwise overflow (and warn)
        with connection.execute_wrapper(db):
            began = time.perf_counter()
            response = client.get("/api/tasks/", {"view": view})
            elapsed = time.perf_counter() - began
        db_seconds, queries = db.take()
        if response.status_code != 200:
            raise RuntimeError(
                f"GET /api/tasks/?view={view} answered {response.status_code}: {response.content[:300]!r}"
            )
        if i < warmups:
            continue
        latencies.append(elapsed)
        db_times.append(db_seconds)
        count = response.json()["count"]
    return {
        "requests": len(latencies),
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "max_ms": ms(max(latencies)),
        "db_p50_ms": ms(percentile(db_times, 50)),
        "queries_per_request": queries,
        "matching_tasks": count,
    }


def explain_view(user: User, view: str) -> list[dict[str, Any]]:
    """EXPLAIN ANALYZE of every human-task query one request runs (page and count), as executed."""
    client = APIClient()
    client.force_authenticate(user=fresh(user))
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/tasks/", {"view": view})
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if "workflows_humantask" not in sql or not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        plans.append({"sql": sql, "plan": plan})
    return plans


def time_top_n(user: User, view: str, runs: int) -> dict[str, Any]:
    """The candidate page query on its own: DB round trip only, same user and groups as the view."""
    params: dict[str, int | list[str]] = {
        "groups": sorted(groups_of(fresh(user))),
        # claimable has no "mine" arm: a user id that matches nothing keeps one SQL text for both.
        "user": user.pk if view == "inbox" else -1,
        "depth": PAGE,
        "limit": PAGE,
    }
    latencies = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            began = time.perf_counter()
            cursor.execute(TOP_N_SQL, params)
            cursor.fetchall()
            latencies.append(time.perf_counter() - began)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + TOP_N_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {"p50_ms": ms(percentile(latencies, 50)), "p95_ms": ms(percentile(latencies, 95)), "plan": plan}


def _short(sql: str) -> str:
    """The select list is eighty columns long; the shape is in FROM ... onwards."""
    cut = sql.find(" FROM ")
    return sql if cut < 0 or cut < 160 else f"{sql[:120]} ...{sql[cut:]}"


def _print_plan(title: str, sql: str, plan: str) -> None:
    print()
    print(title)
    print(textwrap.indent(_short(sql), "  "))
    print("\n".join(f"    {line}" for line in plan.splitlines()))


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    heading(
        f"3. Inbox over {sizes.inbox_tasks:,} open tasks ({sizes.inbox_groups:,} groups, "
        f"{sizes.inbox_instances:,} instances) + one district-wide group"
    )
    seeded = seed(world, sizes)
    print(
        f"Seeded {seeded['inserted']:,} task rows over {sizes.inbox_groups:,} groups and "
        f"{seeded['inserted_big_group']:,} in {BIG_GROUP} in {seeded['seconds']} s (then VACUUM ANALYZE); "
        f"the table holds {seeded['rows']:,} rows, {human_bytes(seeded['table_bytes'])} with indexes."
    )
    user, groups = inbox_user(sizes)
    reviewer = world.cast.reviewer
    print(f"inbox_user: member of {', '.join(groups)}; {CLAIMED_BY_USER} tasks claimed by them.")
    print(f"reviewer: member of {BIG_GROUP} only.")
    cases = {
        "claimable": (user, "claimable", sizes.inbox_requests, sizes.inbox_warmups),
        "inbox": (user, "inbox", sizes.inbox_requests, sizes.inbox_warmups),
        "reviewer_claimable": (reviewer, "claimable", sizes.inbox_big_requests, sizes.inbox_warmups),
        "reviewer_inbox": (reviewer, "inbox", sizes.inbox_big_requests, sizes.inbox_warmups),
    }
    views = {key: time_view(*args) for key, args in cases.items()}
    top_n = {key: time_top_n(who, view, sizes.inbox_requests) for key, (who, view, _, _) in cases.items()}
    print()
    table(
        [
            "GET /api/tasks/ (first page of 50)",
            "requests",
            "p50 ms",
            "p95 ms",
            "max ms",
            "db p50 ms",
            "queries",
            "matching",
            "p95 goal 20 ms",
            "top-N SQL p50 ms",
        ],
        [
            [
                f"{'reviewer' if key.startswith('reviewer') else 'inbox_user'} ?view={cases[key][1]}",
                v["requests"],
                v["p50_ms"],
                v["p95_ms"],
                v["max_ms"],
                v["db_p50_ms"],
                v["queries_per_request"],
                v["matching_tasks"],
                "met" if v["p95_ms"] <= GOAL_P95_MS else "MISSED",
                top_n[key]["p50_ms"],
            ]
            for key, v in views.items()
        ],
    )
    print(
        "db = time in SQL round trips of the request (membership, COUNT, page); top-N SQL = the "
        "candidate page query below, alone."
    )
    pages = {
        "inbox_user (5 groups)": time_page(user, sizes.inbox_big_requests, sizes.inbox_warmups),
        "reviewer (1 big group)": time_page(reviewer, sizes.inbox_big_requests, sizes.inbox_warmups),
    }
    print()
    for line in page_summary(pages):
        print(line)
    plans = {key: explain_view(who, view) for key, (who, view, _, _) in cases.items()}
    for key, entries in plans.items():
        for entry in entries:
            _print_plan(f"EXPLAIN ANALYZE, as the view runs it ({key}):", entry["sql"], entry["plan"])
    for key in ("inbox", "reviewer_claimable"):
        _print_plan(f"EXPLAIN ANALYZE, candidate top-N shape ({key}):", TOP_N_SQL.strip(), top_n[key]["plan"])
    return {"seed": seeded, "groups": groups, "views": views, "top_n": top_n, "plans": plans, "pages": pages}
