"""Section: the server time to validate a 200-element diagram, as the studio's live validation
and its Validate button do (issue 16's goal: <= 300 ms), next to the shipped service_case
diagram validated in the same run.

The diagram is generated: a chain of user tasks in two lanes, each with a form, every tenth
followed by an exclusive gateway whose conditions are compiled by the sandbox, and a reminder
timer on every twentieth task, so that every kind of check has work to do.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from workflows.deploy import bundle_for, deploy

from .fixtures import World
from .report import ms
from .sizes import Sizes

ROOT = Path(__file__).resolve().parent.parent
FORM = '{"type": "object", "properties": {"approved": {"type": "boolean"}, "note": {"type": "string"}}}'
RUNS = 7
TASKS = 81  # with its gateways, timers, events and flows: just over 200 elements
CONDITION = "approved == True and len(note) &lt; 100"


def _diagram(tasks: int) -> tuple[str, int]:
    """A process of `tasks` user tasks and what links them; returns (XML, element count)."""
    nodes: list[str] = ['<bpmn:startEvent id="start"/>']
    flows: list[str] = []
    lanes: dict[str, list[str]] = {"operator": ["start", "done"], "市场监管所": []}
    previous = "start"

    def link(source: str, target: str, onward: bool = False) -> None:
        # A gateway's onward flow carries a condition the sandbox compiles; its default stops.
        body = f"<bpmn:conditionExpression>{CONDITION}</bpmn:conditionExpression>" if onward else ""
        flows.append(
            f'<bpmn:sequenceFlow id="f{len(flows)}" sourceRef="{source}" targetRef="{target}">'
            f"{body}</bpmn:sequenceFlow>"
        )

    for n in range(tasks):
        task = f"t{n}"
        lanes["operator" if n % 2 == 0 else "市场监管所"].append(task)
        nodes.append(
            f'<bpmn:userTask id="{task}" name="第 {n} 步"><bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="formJsonSchemaFilename" value="step.json"/>'
            "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
        )
        link(previous, task, onward=previous.startswith("g"))
        previous = task
        if n % 20 == 19:
            nodes.append(
                f'<bpmn:boundaryEvent id="remind{n}" attachedToRef="{task}" cancelActivity="false">'
                f"<bpmn:timerEventDefinition><bpmn:timeDuration>P{n}D</bpmn:timeDuration>"
                "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
            )
            lanes["operator"].append(f"remind{n}")
        if n % 10 == 9:
            gate, stop = f"g{n}", f"stop{n}"
            lanes["operator"] += [gate, stop]
            nodes.append(f'<bpmn:exclusiveGateway id="{gate}" default="f{len(flows) + 1}"/>')
            nodes.append(f'<bpmn:endEvent id="{stop}"/>')
            link(task, gate)
            link(gate, stop)  # the default
            previous = gate
    nodes.append('<bpmn:endEvent id="done"/>')
    link(previous, "done", onward=previous.startswith("g"))
    lane_xml = "".join(
        f'<bpmn:lane id="lane{i}" name="{name}">'
        + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs)
        + "</bpmn:lane>"
        for i, (name, refs) in enumerate(lanes.items())
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="big_defs" '
        'targetNamespace="http://nqi.example/bpmn"><bpmn:process id="big" isExecutable="true">'
        f'<bpmn:laneSet id="lanes">{lane_xml}</bpmn:laneSet>'
        + "".join(nodes)
        + "".join(flows)
        + "</bpmn:process></bpmn:definitions>"
    )
    return xml, len(nodes) + len(flows)


def with_layout(xml: str) -> str:
    """The generated diagram plus BPMN DI: its nodes in a row (boundary timers on their task),
    each flow a straight line, so that bpmn-js can draw it (the editor's bench opens it)."""
    from lxml import etree

    from workflows.parsing import NSMAP

    root = etree.fromstring(xml.encode("utf-8"))
    process = root.find("bpmn:process", NSMAP)
    assert process is not None
    places: dict[str, tuple[int, int, int, int]] = {}
    x = 100
    for node in process:
        tag, node_id = etree.QName(node).localname, node.get("id", "")
        if tag in ("laneSet", "sequenceFlow"):
            continue
        if tag == "boundaryEvent":
            tx, ty, _w, _h = places[node.get("attachedToRef", "")]
            places[node_id] = (tx + 60, ty + 62, 36, 36)
            continue
        width, height = (100, 80) if tag == "userTask" else (36, 36) if "Event" in tag else (50, 50)
        places[node_id] = (x, 200 - height // 2, width, height)
        x += width + 50
    shapes = "".join(
        f'<bpmndi:BPMNShape id="{n}_di" bpmnElement="{n}">'
        f'<dc:Bounds x="{px}" y="{py}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        for n, (px, py, w, h) in places.items()
    )
    edges = ""
    for flow in process.iterfind("bpmn:sequenceFlow", NSMAP):
        sx, sy, sw, sh = places[flow.get("sourceRef", "")]
        tx, ty, _tw, th = places[flow.get("targetRef", "")]
        edges += (
            f'<bpmndi:BPMNEdge id="{flow.get("id")}_di" bpmnElement="{flow.get("id")}">'
            f'<di:waypoint x="{sx + sw}" y="{sy + sh // 2}"/><di:waypoint x="{tx}" y="{ty + th // 2}"/>'
            "</bpmndi:BPMNEdge>"
        )
    diagram = (
        '<bpmndi:BPMNDiagram id="big_diagram" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI">'
        f'<bpmndi:BPMNPlane id="big_plane" bpmnElement="big">{shapes}{edges}</bpmndi:BPMNPlane>'
        "</bpmndi:BPMNDiagram>"
    )
    return xml.replace("</bpmn:definitions>", diagram + "</bpmn:definitions>")


def diagram(tasks: int = TASKS) -> tuple[str, int]:
    return _diagram(tasks)


def _timed(files: dict[str, str], key: str) -> list[float]:
    times = []
    for _ in range(RUNS + 1):  # the first run warms up
        began = time.perf_counter()
        outcome = deploy(files, actor=None, model_key=key, validate_only=True)
        times.append(time.perf_counter() - began)
        assert outcome.version is None
    return times[1:]


def run(world: World, sizes: Sizes) -> dict[str, Any]:
    xml, elements = _diagram(TASKS)
    big = _timed({"big.bpmn": xml, "step.json": FORM}, "big")
    shipped = bundle_for(ROOT / "bpmn" / "service_case.bpmn")
    reference = _timed(shipped, "service_case")
    return {
        "elements": elements,
        "runs": RUNS,
        "median_ms": ms(statistics.median(big)),
        "max_ms": ms(max(big)),
        "service_case_median_ms": ms(statistics.median(reference)),
    }


def summary(r: dict[str, Any]) -> list[str]:
    return [
        f"Validation (the studio's Validate, server time), {r['runs']} runs:",
        f"  generated diagram, {r['elements']} elements: median {r['median_ms']:.1f} ms, "
        f"max {r['max_ms']:.1f} ms (goal <= 300 ms)",
        f"  shipped service_case.bpmn (reference): median {r['service_case_median_ms']:.1f} ms",
    ]
