"""The BPMN MIWG reference diagrams (tests/workflows/miwg/, CC BY 3.0: README.md and LICENSE.txt
there; $NQI_MIWG_CORPUS names another copy) and the mechanical adaptation their README allows
before deploying them here.

`adapt` changes only what a process admin would change without reading the process: it marks
the processes executable, puts every lane on one role and every human task in a lane, names the
test handler on each service task, and rewrites an expression where the rewrite is a matter of
notation: JUEL's `${...}` wrapper and `!`, FEEL's leading `=`, XPath's `true`/`false`, and a
`language` attribute on an ISO 8601 timer text or on an expression the rewrite made Python.
Anything that needs understanding (a FEEL `some ... satisfies`, XPath `getDataObject`, a data
store, an empty timer) is left as the vendor wrote it, for deploy to refuse.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

from lxml import etree

from workflows.expressions import UnsafeExpression, compile_expression
from workflows.parsing import NSMAP, safe_xml_parser
from workflows.timers import iso_literal

CORPUS = Path(os.environ.get("NQI_MIWG_CORPUS", Path(__file__).parent / "miwg"))
# The three-file call-activity bundle: deployed together, named after the calling process.
BUNDLE = ("C.9.0.bpmn", "C.9.1.bpmn", "C.9.2.bpmn")
BUNDLE_MAIN = "customer_onboarding_en"

BPMN = NSMAP["bpmn"]
SPIFF = NSMAP["spiffworkflow"]
ROLE = "operator"
HANDLER = "test_record"
HUMAN_TASKS = ("userTask", "manualTask", "task")
# Where a laneSet may go in a process: after these, before the flow elements (BPMN 2.0 XSD).
_BEFORE_LANES = (
    "documentation",
    "extensionElements",
    "supportedInterfaceRef",
    "ioSpecification",
    "ioBinding",
    "auditing",
    "monitoring",
    "property",
    "laneSet",
)


def corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.bpmn"))


def read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _q(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


def _python(text: str) -> str | None:
    """The expression in the sandbox's Python, when only its notation differs; else None."""
    body = text.strip()
    wrapped = re.fullmatch(r"[$#]\{(.*)\}", body, re.DOTALL)
    if wrapped:
        body = wrapped.group(1).strip()
    body = body.removeprefix("=").strip()
    body = re.sub(r"^!\s*", "not ", body)
    body = {"true": "True", "false": "False"}.get(body, body)
    if not body:
        return None
    try:
        compile_expression(body)
    except UnsafeExpression:
        return None
    return body


def _quote_expressions(root: etree._Element) -> None:
    for node in root.iter(_q("conditionExpression"), _q("condition")):
        rewritten = _python(node.text or "")
        if rewritten is not None:
            node.text = rewritten
            node.attrib.pop("language", None)
    for kind in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.iter(_q(kind)):
            if iso_literal((node.text or "").strip()) is not None:
                node.attrib.pop("language", None)


def _name_handlers(root: etree._Element) -> None:
    for task in root.iter(_q("serviceTask")):
        if task.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NSMAP) is not None:
            continue
        extensions = task.find("bpmn:extensionElements", NSMAP)
        if extensions is None:
            extensions = etree.Element(_q("extensionElements"))
            documentation = task.findall("bpmn:documentation", NSMAP)
            task.insert(len(documentation), extensions)
        operator = etree.SubElement(extensions, f"{{{SPIFF}}}serviceTaskOperator", id=HANDLER)
        parameters = etree.SubElement(operator, f"{{{SPIFF}}}parameters")
        etree.SubElement(parameters, f"{{{SPIFF}}}parameter", id="label", type="str", value="'miwg'")


def _lane_everyone(process: etree._Element) -> None:
    lanes = list(process.iter(_q("lane")))
    for lane in lanes:
        lane.set("name", ROLE)
    in_lanes = {(ref.text or "").strip() for ref in process.iter(_q("flowNodeRef"))}
    homeless = [
        task.get("id", "")
        for tag in HUMAN_TASKS
        for task in process.iter(_q(tag))
        if task.get("id", "") not in in_lanes
    ]
    if not homeless:
        return
    if lanes:
        lane = lanes[0]
    else:
        lane_set = etree.Element(_q("laneSet"), id=f"miwg_lanes_{process.get('id')}")
        lane = etree.SubElement(lane_set, _q("lane"), id=f"miwg_lane_{process.get('id')}", name=ROLE)
        at = sum(1 for child in process if etree.QName(child).localname in _BEFORE_LANES)
        process.insert(at, lane_set)
    child_lanes = lane.find("bpmn:childLaneSet", NSMAP)
    for task_id in homeless:
        ref = etree.Element(_q("flowNodeRef"))
        ref.text = task_id
        if child_lanes is not None:
            child_lanes.addprevious(ref)
        else:
            lane.append(ref)


def adapt_text(text: str) -> str:
    root = etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
    for process in root.iter(_q("process")):
        process.set("isExecutable", "true")
        _lane_everyone(process)
    _name_handlers(root)
    _quote_expressions(root)
    return etree.tostring(root, encoding="unicode")


def adapt(files: dict[str, str]) -> dict[str, str]:
    return {name: adapt_text(text) for name, text in files.items()}


def main_process(text: str) -> str:
    """The process to name the model after: the first one with a start event of its own."""
    root = etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
    processes = list(root.iter(_q("process")))
    for process in processes:
        if process.find("bpmn:startEvent", NSMAP) is not None:
            return str(process.get("id"))
    return str(processes[0].get("id")) if processes else ""


_HOSTILE_VALUES = ("", "x'y", "ghost", "true", "0", "_1", "${a}")


def mutate(text: str, seed: int) -> str:
    """The diagram with one to three of its process elements removed, stripped of an attribute
    or given a hostile value: what a broken export or a careless hand could upload."""
    rng = random.Random(seed)
    root = etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
    elements = [e for e in root.iter() if isinstance(e.tag, str) and e.tag.startswith(f"{{{BPMN}}}")]
    for _ in range(rng.randint(1, 3)):
        element = rng.choice(elements)
        roll = rng.random()
        parent = element.getparent()
        if roll < 0.4 and parent is not None:
            parent.remove(element)
        elif element.attrib and roll < 0.7:
            del element.attrib[rng.choice(sorted(element.attrib))]
        elif element.attrib:
            element.set(rng.choice(sorted(element.attrib)), rng.choice(_HOSTILE_VALUES))
        else:
            element.text = rng.choice(_HOSTILE_VALUES)
    return etree.tostring(root, encoding="unicode")
