"""How big each section runs: the full run for the README, `--quick` for a smoke test under a minute."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    approval_instances: int
    warmup_instances: int
    query_sample_instances: int
    breakdown_instances: int
    cycles: int
    cycle_marks: tuple[int, ...]
    loop_max_passes: int
    loop_marks: tuple[int, ...]
    inbox_tasks: int
    inbox_instances: int
    inbox_groups: int
    inbox_big_group_tasks: int
    inbox_big_requests: int
    inbox_requests: int
    inbox_warmups: int
    message_waiting: int
    message_samples: int


FULL = Sizes(
    approval_instances=200,
    warmup_instances=5,
    query_sample_instances=3,
    breakdown_instances=50,
    cycles=1000,
    cycle_marks=(1, 100, 1000),
    # Spiff's TaskIterator stops at depth 1000 (docs/design.md D7: "~250 passes"); this diagram adds 3 tasks
    # per pass, so the cap must leave room to see the stall itself.
    loop_max_passes=400,
    loop_marks=(1, 100, 250),
    inbox_tasks=1_000_000,
    inbox_instances=2_000,
    inbox_groups=5_000,
    inbox_big_group_tasks=50_000,
    inbox_big_requests=50,
    inbox_requests=200,
    inbox_warmups=20,
    message_waiting=1_000_000,
    message_samples=200,
)

QUICK = Sizes(
    approval_instances=10,
    warmup_instances=2,
    query_sample_instances=1,
    breakdown_instances=5,
    cycles=30,
    cycle_marks=(1, 10, 30),
    loop_max_passes=30,
    loop_marks=(1, 10),
    inbox_tasks=20_000,
    inbox_instances=200,
    inbox_groups=500,
    inbox_big_group_tasks=2_000,
    inbox_big_requests=10,
    inbox_requests=40,
    inbox_warmups=5,
    message_waiting=20_000,
    message_samples=20,
)
