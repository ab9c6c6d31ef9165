"""Section: what sealing personal data at rest costs (core/crypto, issue 19), next to plain in the
same run.

Two paths: completing a service case's first step (需求受理: its handler reads the case and writes
its stage) and the district's case list page (50 cases a page, each with its enterprise: four
sealed values a row). Each is timed with the real fields, then with sealing switched off in this
process only (seal and open replaced by the identity, so exactly the same code runs without the
cipher), alternating the two modes so that neither gets the warmer cache. Medians.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.test import Client

from casemgmt.cases.intake import submit_case
from casemgmt.models import OrgUnit
from core.crypto import fields
from tests.cases.support import deploy_service_case, open_task, request_for
from tests.factories import make_project
from tests.personas import AREA_A
from workflows import human_tasks

from .actors import fresh
from .fixtures import World
from .report import ms
from .sizes import Sizes

CASES = 120  # three pages of the list, and the completions' cases
PAGE_REQUESTS = 30
COMPLETIONS = 30  # per mode


@contextmanager
def plain() -> Iterator[None]:
    """Sealing off in this process: values are written and read as they are."""
    saved = fields.seal, fields.open_sealed, fields.is_sealed
    fields.seal = lambda value, aad: value  # type: ignore[assignment]
    fields.open_sealed = lambda value, aad: value  # type: ignore[assignment]
    fields.is_sealed = lambda value: False
    try:
        yield
    finally:
        fields.seal, fields.open_sealed, fields.is_sealed = saved


def _timed(action: Any) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    del sizes
    cast = world.cast
    deploy_service_case()
    project = make_project(
        code="bench-enc",
        case_prefix="BE",
        coordinating_office=OrgUnit.objects.get(code=AREA_A),
        operator=OrgUnit.objects.get(code=world.org_unit),
    )
    cases = [submit_case(request_for(project, n), actor=fresh(cast.operator_a)) for n in range(1, CASES + 1)]
    client = Client()
    client.force_login(cast.reviewer)
    timings: dict[str, dict[str, list[float]]] = {
        mode: {"list": [], "complete": []} for mode in ("sealed", "plain")
    }
    pending = iter(cases)
    for round_no in range(max(PAGE_REQUESTS, COMPLETIONS)):
        for mode in ("sealed", "plain") if round_no % 2 == 0 else ("plain", "sealed"):
            with plain() if mode == "plain" else _noop():
                if round_no < PAGE_REQUESTS:
                    fresh(cast.reviewer)
                    timings[mode]["list"].append(_timed(lambda: _page(client)))
                if round_no < COMPLETIONS:
                    task = open_task(next(pending), "review")
                    complete = partial(human_tasks.complete, task.pk, actor=fresh(cast.operator_a), data={})
                    timings[mode]["complete"].append(_timed(complete))
    result: dict[str, Any] = {"cases": CASES}
    for path in ("list", "complete"):
        sealed = statistics.median(timings["sealed"][path])
        bare = statistics.median(timings["plain"][path])
        result[path] = {"sealed_ms": ms(sealed), "plain_ms": ms(bare), "ratio": round(sealed / bare, 3)}
    return result


@contextmanager
def _noop() -> Iterator[None]:
    yield


def _page(client: Client) -> None:
    response = client.get("/cases/")
    if response.status_code != 200:
        raise RuntimeError(f"GET /cases/ answered {response.status_code}")


def summary(r: dict[str, Any]) -> list[str]:
    lines = ["Personal data sealed at rest (AES-256-GCM) against plain, same run (medians):"]
    for path, label in (
        ("complete", "service case step (需求受理)"),
        ("list", "district case list page (50 rows)"),
    ):
        m = r[path]
        lines.append(
            f"  {label}: sealed {m['sealed_ms']:.2f} ms, plain {m['plain_ms']:.2f} ms ({m['ratio']:.2f}x)"
        )
    return lines
