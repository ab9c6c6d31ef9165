"""One paste-able line or two per section, built from the section's result dict."""

from __future__ import annotations

from typing import Any

from .inbox_page import summary as page_summary
from .report import human_bytes


def throughput(r: dict[str, Any]) -> list[str]:
    s, e, b = r["service"], r["raw_embedded"], r["raw_by_reference"]
    return [
        f"Approval, 4 user tasks, {s['instances']} instances (start + 4 completions, 5 transactions each):",
        f"  service layer            {s['instances_per_s']:7.1f} inst/s  {s['ms_per_step']:6.2f} ms/step  "
        f"state {human_bytes(s['state_bytes_after_start'])}, "
        f"{r['queries']['per_instance']:.0f} round trips/inst",
        f"  raw Spiff, spec embedded {e['instances_per_s']:7.1f} inst/s  {e['ms_per_step']:6.2f} ms/step  "
        f"state {human_bytes(e['state_bytes_after_start'])}",
        f"  raw Spiff, spec by ref   {b['instances_per_s']:7.1f} inst/s  {b['ms_per_step']:6.2f} ms/step  "
        f"state {human_bytes(b['state_bytes_after_start'])}",
        f"  service/raw: {r['ratio_vs_raw_embedded']:.2f} vs embedded (goal >= 0.7), "
        f"{r['ratio_vs_raw_by_reference']:.2f} vs by-reference",
    ]


def cycles(r: dict[str, Any]) -> list[str]:
    chain, loop = r["chain"], r["loop"]
    lines = [f"Cycle chain (continueAsNew), {chain['cycles']} cycles, complete() latency and state read:"]
    for cycle, m in chain["marks"].items():
        lines.append(
            f"  cycle {cycle:>5}: assessment {m['assessment_ms']:6.2f} ms, "
            f"guidance {m['guidance_ms']:6.2f} ms (last-10 median {m['window_median_ms']:.2f} ms), "
            f"state {human_bytes(m['state_bytes_after_assessment'])}"
        )
    lines.append("Naive loop in one raw instance (spec embedded):")
    for passno, m in sorted(loop["marks"].items()):
        lines.append(
            f"  pass  {passno:>5}: {m['median_ms']:6.2f} ms/step "
            f"(last-10 median {m['window_median_ms']:.2f} ms), "
            f"{m['tasks_in_tree']} tasks, "
            f"state {human_bytes(m['state_bytes'])} ({human_bytes(m['state_only_bytes'])} without spec)"
        )
    stalled = loop["stalled"]
    lines.append(
        f"  stalls at pass {stalled['pass']} ({stalled['tasks_in_tree']} tasks): "
        "get_tasks() sees no ready task"
        if stalled
        else f"  no stall within {loop['max_passes']} passes"
    )
    return lines


def inbox(r: dict[str, Any]) -> list[str]:
    seed = r["seed"]
    lines = [
        f"Inbox over {seed['rows']:,} open tasks, first page of 50 (p50 / p95 / max ms; goal p95 <= 20 ms):"
    ]
    labels = {
        "claimable": "5 groups x ~200, claimable",
        "inbox": "5 groups x ~200, inbox",
        "reviewer_claimable": f"1 group x {seed['inserted_big_group']:,}, claimable",
        "reviewer_inbox": f"1 group x {seed['inserted_big_group']:,}, inbox",
    }
    for key, v in r["views"].items():
        verdict = "met" if v["p95_ms"] <= 20 else "MISSED"
        lines.append(
            f"  {labels[key]:<30} {v['p50_ms']:7.2f} / {v['p95_ms']:7.2f} / {v['max_ms']:7.2f}  "
            f"{verdict:<6} (db {v['db_p50_ms']:.2f} ms; "
            f"top-N page SQL alone {r['top_n'][key]['p50_ms']:.2f} ms)"
        )
    if "pages" in r:
        lines.extend(page_summary(r["pages"]))
    return lines
