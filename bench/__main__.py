"""`python -m bench [--quick] [--only NAME]`: set up nqi_bench, run the sections, print, write JSON.

Run it through scripts/bench, which provides DATABASE_URL (the bench creates its own database
`nqi_bench` on that server and never touches the one named in the URL).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .database import BENCH_DB
from .sizes import FULL, QUICK

SECTIONS = (
    "throughput",
    "cycles",
    "inbox",
    "timers",
    "countersign",
    "messages",
    "validation",
    "editor",
    "returns",
    "encryption",
)
RESULTS = Path(__file__).resolve().parent.parent / "var" / "bench" / "results.json"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes for a smoke run (well under a minute)"
    )
    parser.add_argument(
        "--only", choices=SECTIONS, action="append", help="run only this section (repeatable)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON results file (default {RESULTS})")
    parser.add_argument(
        "--database",
        default=BENCH_DB,
        help=f"name of the bench's own database, dropped and recreated (default {BENCH_DB})",
    )
    return parser.parse_args(argv)


def source_revision() -> str:
    """HEAD plus "+dirty" when tracked files differ: the numbers belong to that code."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=root, check=False).returncode != 0
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+dirty" if dirty else head


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sizes = QUICK if args.quick else FULL
    began = time.perf_counter()

    # Django is set up only here, after the bench database exists and DATABASE_URL points at it
    # (bench.database imports nothing of Django at module level).
    from .database import prepare, server_version

    url = prepare(args.database)
    from . import (
        countersign,
        cycles,
        editor_page,
        encryption,
        inbox,
        messages,
        returns,
        summary,
        throughput,
        timers,
        validation,
    )
    from .fixtures import build_world
    from .report import Results

    world = build_world()
    results = Results(
        {
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "spiffworkflow": version("SpiffWorkflow"),
            "django": version("Django"),
            "postgresql": server_version(),
            "database": url.rsplit("/", 1)[-1],
            "mode": "quick" if args.quick else "full",
            "cpu_count": os.cpu_count(),
            "source": source_revision(),
        }
    )
    print(
        f"nqi bench ({results.meta['mode']}): Python {results.meta['python']}, SpiffWorkflow "
        f"{results.meta['spiffworkflow']}, PostgreSQL {results.meta['postgresql']}, database {args.database}"
    )
    runners: dict[str, tuple[Callable[..., dict[str, Any]], Callable[[dict[str, Any]], list[str]]]] = {
        "throughput": (throughput.run, summary.throughput),
        "cycles": (cycles.run, summary.cycles),
        "inbox": (inbox.run, summary.inbox),
        "timers": (timers.run, timers.summary),
        "countersign": (countersign.run, countersign.summary),
        "messages": (messages.run, messages.summary),
        "validation": (validation.run, validation.summary),
        "editor": (editor_page.run, editor_page.summary),
        "returns": (returns.run, returns.summary),
        "encryption": (encryption.run, encryption.summary),
    }
    for name in args.only or SECTIONS:
        run, summarize = runners[name]
        section_began = time.perf_counter()
        data = run(world, sizes)
        data["section_seconds"] = round(time.perf_counter() - section_began, 1)
        results.add(name, data, summarize(data))
    results.meta["total_seconds"] = round(time.perf_counter() - began, 1)
    results.print_summary()
    results.write(args.output)
    print(f"\nResults written to {args.output} ({results.meta['total_seconds']} s in all).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
