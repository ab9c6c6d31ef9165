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
