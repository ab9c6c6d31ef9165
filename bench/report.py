"""Printing tables and collecting the numbers that end up in results.json and the summary block."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: with 200 samples p95 is the 190th value, no interpolation games."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def human_bytes(size: int) -> str:
    if size < 10_000:
        return f"{size} B"
    if size < 10_000_000:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


def heading(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        # Left-align the first column (labels), right-align numbers.
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "-" if value is None else str(value)


class Results:
    """Numbers per section (for JSON) and one-line findings (for the summary block)."""

    def __init__(self, meta: dict[str, Any]) -> None:
        self.meta = meta
        self.sections: dict[str, Any] = {}
        self.summary: list[str] = []

    def add(self, section: str, data: Any, summary: Sequence[str] = ()) -> None:
        self.sections[section] = data
        self.summary.extend(summary)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"meta": self.meta, "sections": self.sections, "summary": self.summary}
        path.write_text(
            json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )

    def print_summary(self) -> None:
        heading("Summary (paste into README)")
        print("```")
        for key in ("date", "source", "python", "spiffworkflow", "postgresql", "cpu_count", "mode"):
            if key in self.meta:
                print(f"{key}: {self.meta[key]}")
        for line in self.summary:
            print(line)
        print("```")
