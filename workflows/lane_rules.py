"""Which lane a human task runs in, worked out at deploy exactly as Spiff does when it parses.

Spiff (3.2) gives a task the lane its flowNodeRef puts it in, with one exception: an embedded
subprocess (a subProcess, event subprocess, transaction or ad hoc subprocess) that is itself in a
lane hands that lane down to everything inside it, nested subprocesses included, and the task's
own lane is ignored; the outermost such subprocess wins. A subprocess in no lane (or in a lane
without a name, which Spiff reads as none) hands nothing down, so its tasks keep their own lanes.
A call activity hands nothing down either: the called process is parsed on its own.

The deploy rules follow from that, so that every deployed human task resolves to a role when it
becomes ready (runtime.task_row_fields would otherwise fail the step):

- the lane the task runs in must exist and map to a role;
- a task drawn in a lane of its own inside a subprocess that hands down another lane is refused
  when the two lanes name different roles: the drawing would say one group and the engine give
  the task to another.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .parsing import NSMAP, DeployProblem
from .registry import LaneResolver

_BPMN = NSMAP["bpmn"]
# The elements whose content Spiff parses as a subprocess of the same process, passing its lane.
LANE_GIVERS = frozenset(f"{{{_BPMN}}}{tag}" for tag in ("subProcess", "transaction", "adHocSubProcess"))


def lanes_by_node(root: etree._Element) -> dict[str, str | None]:
    """Each flow node drawn in a lane: that lane's name, None for a lane without a name attribute
    (Spiff indexes them the same way)."""
    lanes: dict[str, str | None] = {}
    for lane in root.iter(f"{{{_BPMN}}}lane"):
        for ref in lane.iterfind("bpmn:flowNodeRef", NSMAP):
            if ref.text:
                lanes[ref.text.strip()] = lane.get("name")
    return lanes


def lane_giver(node: etree._Element, lanes: dict[str, str | None]) -> etree._Element | None:
    """The subprocess whose lane `node` takes at run time (None: the node keeps its own lane)."""
    givers = [parent for parent in node.iterancestors() if parent.tag in LANE_GIVERS]
    for giver in reversed(givers):  # outermost first
        if lanes.get(giver.get("id", "")) is not None:
            return giver
    return None


def lane_in_force(node: etree._Element, lanes: dict[str, str | None]) -> str | None:
    """The lane Spiff gives `node`: its task spec's `lane`."""
    giver = lane_giver(node, lanes)
    return lanes.get((giver if giver is not None else node).get("id", ""))


def lane_problems(
    file: str, node: etree._Element, lanes: dict[str, str | None], resolver: LaneResolver
) -> Iterator[DeployProblem]:
    """What keeps the human task `node` from resolving to a candidate group when it is ready."""
    task_id = node.get("id", "")
    line = node.sourceline
    giver = lane_giver(node, lanes)
    if giver is None:
        if task_id not in lanes:
            yield DeployProblem(
                file,
                "human task is not in a lane, so nobody could work it",
                line,
                task_id,
                "lane",
                "人工任务不在任何泳道中，无人可以办理",
            )
        elif resolver.role_for_lane(lanes[task_id]) is None:
            unmapped = lanes[task_id] or ""
            yield DeployProblem(
                file,
                f"lane {unmapped!r} does not map to a role",
                line,
                task_id,
                "lane",
                f"泳道“{unmapped}”没有对应的角色",
            )
        return
    giver_id = giver.get("id", "")
    given = lanes[giver_id] or ""
    own = lanes.get(task_id)
    if own is not None and resolver.role_for_lane(own) != resolver.role_for_lane(given):
        yield DeployProblem(
            file,
            f"human task is drawn in lane {own!r} but runs in lane {given!r} of the subprocess "
            f"{giver_id!r} holding it: the engine gives every task in a subprocess that subprocess's "
            "lane; draw the subprocess in the task's lane, or in no lane so that its tasks keep their own",
            line,
            task_id,
            "lane",
            message_zh=f"人工任务画在泳道“{own}”中，但其所在的子流程“{giver_id}”位于泳道“{given}”，"
            "引擎运行时让子流程中的任务一律取子流程的泳道；请把子流程画在该任务的泳道中，"
            "或不放入任何泳道，使其中的任务保留各自的泳道。",
        )
    elif resolver.role_for_lane(given) is None:
        yield DeployProblem(
            file,
            f"lane {given!r} of the subprocess {giver_id!r}, which the task takes, does not map to a role",
            line,
            task_id,
            "lane",
            message_zh=f"子流程“{giver_id}”所在的泳道“{given}”没有对应的角色，其中的任务取该泳道，无人可以办理。",
        )
