"""Data the workflow browser tests start from: the approval diagram with a drawable layout, cases.

`with_layout` is the idea of tests/web/test_task_page.py's helper grown into a small layout: every
flow node in a column by its distance from the start event, parallel branches stacked, and the
sequence flows drawn as edges, so that bpmn-js draws a diagram a person can read in a screenshot.
"""

from __future__ import annotations

import json
from collections import deque

from lxml import etree

from tests.conftest import BPMN_DIR
from tests.personas import Cast
from workflows import human_tasks, instances
from workflows.deploy import bundle_for, deploy
from workflows.models import HumanTask, ProcessInstance, ProcessModelVersion

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
# (width, height) of a flow node by its element name.
SIZES = {"startEvent": (36, 36), "endEvent": (36, 36), "exclusiveGateway": (50, 50)}
TASK_SIZE = (110, 70)
COLUMN_WIDTH, ROW_HEIGHT, LEFT, TOP = 170, 120, 60, 80


def with_layout(text: str, process_id: str) -> str:
    """The diagram plus BPMN DI (shapes and edges) for the process `process_id`."""
    root = etree.fromstring(text.encode("utf-8"))
    process = root.find(f"{{{BPMN}}}process[@id='{process_id}']")
    assert process is not None, process_id
    kinds: dict[str, str] = {}
    for child in process:
        tag = etree.QName(child).localname
        if tag.endswith(("Task", "Event", "Gateway")) or tag in ("task", "callActivity"):
            kinds[child.get("id")] = tag
    flows = [
        (flow.get("id"), flow.get("sourceRef"), flow.get("targetRef"))
        for flow in process.iter(f"{{{BPMN}}}sequenceFlow")
    ]
    # Column = shortest distance from a start event; row = order of arrival within the column.
    column: dict[str, int] = {}
    queue = deque(i for i, kind in kinds.items() if kind == "startEvent")
    for start in queue:
        column[start] = 0
    while queue:
        node = queue.popleft()
        for _flow, source, target in flows:
            if source == node and target not in column:
                column[target] = column[node] + 1
                queue.append(target)
    rows: dict[int, int] = {}
    centre: dict[str, tuple[int, int]] = {}
    shapes = []
    for node in sorted(column, key=lambda n: column[n]):
        col = column[node]
        row = rows.get(col, 0)
        rows[col] = row + 1
        width, height = SIZES.get(kinds[node], TASK_SIZE)
        cx, cy = LEFT + col * COLUMN_WIDTH + TASK_SIZE[0] // 2, TOP + row * ROW_HEIGHT + TASK_SIZE[1] // 2
        centre[node] = (cx, cy)
        shapes.append(
            f'<bpmndi:BPMNShape id="{node}_di" bpmnElement="{node}">'
            f'<dc:Bounds x="{cx - width // 2}" y="{cy - height // 2}" width="{width}" height="{height}" />'
            "</bpmndi:BPMNShape>"
        )

    def right(node: str) -> tuple[int, int]:
        return centre[node][0] + SIZES.get(kinds[node], TASK_SIZE)[0] // 2, centre[node][1]

    def left(node: str) -> tuple[int, int]:
        return centre[node][0] - SIZES.get(kinds[node], TASK_SIZE)[0] // 2, centre[node][1]

    edges = []
    for flow, source, target in flows:
        if source not in centre or target not in centre:
            continue
        (x1, y1), (x2, y2) = right(source), left(target)
        points = (
            [(x1, y1), (x2, y2)]
            if y1 == y2
            else [(x1, y1), ((x1 + x2) // 2, y1), ((x1 + x2) // 2, y2), (x2, y2)]
        )
        waypoints = "".join(f'<di:waypoint x="{x}" y="{y}" />' for x, y in points)
        edges.append(f'<bpmndi:BPMNEdge id="{flow}_di" bpmnElement="{flow}">{waypoints}</bpmndi:BPMNEdge>')
    diagram = (
        f'<bpmndi:BPMNDiagram id="{process_id}_diagram" xmlns:bpmndi="{BPMNDI}" xmlns:dc="{DC}" '
        f'xmlns:di="{DI}"><bpmndi:BPMNPlane id="{process_id}_plane" bpmnElement="{process_id}">'
        f"{''.join(shapes)}{''.join(edges)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
    )
    return text.replace("</bpmn:definitions>", diagram + "</bpmn:definitions>")


def deploy_approval() -> ProcessModelVersion:
    """The approval fixture, drawable, and with its review form asking for a comment.

    The shipped review form has no field a person can get wrong in a browser (an unchecked box is
    "no", the comment's length is capped by the textarea), so here the office's opinion is
    required: leaving it empty is the mistake the approver makes first.
    """
    files = bundle_for(BPMN_DIR / "approval.bpmn")
    files["approval.bpmn"] = with_layout(files["approval.bpmn"], "approval")
    review = json.loads(files["review.json"])
    review["required"] = ["approved", "comment"]
    review["properties"]["comment"]["minLength"] = 2
    files["review.json"] = json.dumps(review, ensure_ascii=False)
    outcome = deploy(files, actor=None, model_key="approval")
    assert outcome.version is not None, outcome
    return outcome.version


def start_case(cast: Cast, key: str, subject: str) -> ProcessInstance:
    return instances.start_instance(
        "approval",
        actor=cast.operator_a,
        org_unit_code="operator-fs",
        business_key=key,
        subject=subject,
        data={"requester": "张三"},
    )


def open_task(instance: ProcessInstance, spec: str) -> HumanTask:
    return HumanTask.objects.get(instance=instance, task_spec=spec, status=HumanTask.Status.OPEN)


def submitted_case(cast: Cast, key: str, subject: str) -> tuple[ProcessInstance, HumanTask]:
    """A case whose application the operator has submitted: the office's review task is open."""
    case = start_case(cast, key, subject)
    human_tasks.complete(
        open_task(case, "submit").pk, actor=cast.operator_a, data={"title": subject, "amount": 120}
    )
    return case, open_task(case, "office_review")
