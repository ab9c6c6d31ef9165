"""The inbox PAGE (HTML, header counts, tabs and all) over the seeded million tasks.

Server time only: Django's test client runs the whole request in-process (middleware, session,
templates), without a socket. Goal from the web-application issue: p95 <= 100 ms.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, reset_queries
from django.test import Client

from .actors import fresh
from .dbtime import DbTimer
from .report import ms, percentile

GOAL_P95_MS = 100.0


def time_page(user: User, requests: int, warmups: int, path: str = "/inbox/") -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    latencies: list[float] = []
    db_times: list[float] = []
    queries = 0
    db = DbTimer()
    for i in range(warmups + requests):
        fresh(user)  # the page loads its user from the session, as every request does
        reset_queries()
        with connection.execute_wrapper(db):
            began = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - began
        db_seconds, queries = db.take()
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        if i >= warmups:
            latencies.append(elapsed)
            db_times.append(db_seconds)
    return {
        "requests": len(latencies),
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "max_ms": ms(max(latencies)),
        "db_p50_ms": ms(percentile(db_times, 50)),
        "queries_per_request": queries,
    }


def summary(pages: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["Inbox page /inbox/ (HTML, server time; p50 / p95 / max ms; goal p95 <= 100 ms):"]
    for who, v in pages.items():
        verdict = "met" if v["p95_ms"] <= GOAL_P95_MS else "MISSED"
        lines.append(
            f"  {who:<30} {v['p50_ms']:7.2f} / {v['p95_ms']:7.2f} / {v['max_ms']:7.2f}  {verdict:<6} "
            f"(db {v['db_p50_ms']:.2f} ms, {v['queries_per_request']} queries)"
        )
    return lines
