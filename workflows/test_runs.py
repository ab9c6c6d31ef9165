"""Test runs: an instance a process admin starts to try a model, flagged `is_test`.

A test run goes through the same engine as any instance, with three differences:
- its human tasks go to the admin who started it, whatever their lane (the lane still shows on
  the task), in a group of that admin alone, so nobody else's inbox, count or notification sees
  them and the admin can work every step;
- its service tasks do not call their handlers (they would write the domain's records: cases,
  scores, deployments): the step completes with no result, which the task data shows;
- what it throws is not delivered to other instances.
Counts and lists of instances leave test runs out (studio/catalog.py, the instance list's default).
"""

from __future__ import annotations

# A candidate group no membership produces: directory.groups_of adds it for its admin alone.
GROUP_PREFIX = "test-run:"
# The permission to start one: the studio's (process admins).
PERMISSION = "workflows.deploy_model"


def group_of(user_id: int | None) -> str:
    return f"{GROUP_PREFIX}{user_id or 0}"


def row_overrides(started_by_id: int | None) -> dict[str, object]:
    """What a test run's task rows carry instead of their lane's group: the starter's own."""
    return {"candidate_group": group_of(started_by_id), "assignee_id": started_by_id}
