"""What changed between two versions of a model, element by element: the flow nodes and sequence
flows of every diagram, matched by id, compared on what the service reads of them (name, lane,
form, condition, timer, handler, signers, messages, called process).

Both versions were deployed, so their XML already passed the deploy checks; it is still parsed
with the safe parser, as everything uploaded is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from lxml import etree

from workflows.lane_rules import lane_in_force, lanes_by_node
from workflows.parsing import NSMAP, safe_xml_parser
from workflows.validation import FORM_PROPERTY, task_properties

_BPMN = NSMAP["bpmn"]
# Elements that are not drawn as flow (containers and definitions) are compared through the
# elements they hold.
_SKIPPED = {
    "process", "laneSet", "lane", "flowNodeRef", "extensionElements", "documentation", "incoming",
    "outgoing", "conditionExpression", "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics", "completionCondition", "loopCardinality", "dataInputAssociation",
    "dataOutputAssociation", "ioSpecification", "property", "dataObject", "dataObjectReference",
    "dataStoreReference", "textAnnotation", "association", "text",
}  # fmt: skip
# What a change is, as the page names it.
ASPECTS = {
    "kind": _("Kind"),
    "name": _("Element name"),
    "lane": _("Lane"),
    "form": _("Form"),
    "condition": _("Condition"),
    "timer": _("Timer"),
    "handler": _("Service handler"),
    "signers": _("Signers"),
    "message": _("Message or signal"),
    "called": _("Called process"),
    "flow": _("Connection"),
}


@dataclass(frozen=True)
class Element:
    id: str
    kind: str  # the BPMN tag's local name: userTask, exclusiveGateway, sequenceFlow, ...
    facts: tuple[tuple[str, str], ...]  # (aspect, value) pairs, only the aspects that apply

    @property
    def name(self) -> str:
        return dict(self.facts).get("name", "")


@dataclass(frozen=True)
class Change:
    aspect: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return str(ASPECTS[self.aspect])


@dataclass
class VersionDiff:
    added: list[Element] = field(default_factory=list)
    removed: list[Element] = field(default_factory=list)
    changed: list[tuple[Element, list[Change]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _text(node: etree._Element | None) -> str:
    return " ".join((node.text or "").split()) if node is not None else ""


def _first(node: etree._Element, path: str) -> etree._Element | None:
    return node.find(path, NSMAP)


def _timer(node: etree._Element) -> str:
    definition = _first(node, "bpmn:timerEventDefinition")
    if definition is None:
        return ""
    for kind in ("timeDuration", "timeDate", "timeCycle"):
        found = _first(definition, f"bpmn:{kind}")
        if found is not None:
            return f"{kind}: {_text(found)}"
    return "timer"


def _message(node: etree._Element) -> str:
    for kind in ("message", "signal", "error", "escalation"):
        definition = _first(node, f"bpmn:{kind}EventDefinition")
        if definition is not None:
            ref = definition.get(f"{kind}Ref", "") or definition.get("errorRef", "")
            return f"{kind}: {ref}" if ref else kind
    if node.get("messageRef"):
        return f"message: {node.get('messageRef')}"
    return ""


def _signers(node: etree._Element) -> str:
    loop = _first(node, "bpmn:multiInstanceLoopCharacteristics")
    if loop is None:
        return ""
    parts = [
        "sequential" if loop.get("isSequential") == "true" else "parallel",
        _text(_first(loop, "bpmn:loopDataInputRef")),
        _text(_first(loop, "bpmn:completionCondition")),
    ]
    return " · ".join(part for part in parts if part)


def _handler(node: etree._Element) -> str:
    operator = node.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NSMAP)
    if operator is None:
        return ""
    params = sorted(
        f"{p.get('id', '')}={p.get('value', '')}"
        for p in operator.iterfind("spiffworkflow:parameters/spiffworkflow:parameter", NSMAP)
    )
    return " ".join([operator.get("id", ""), *params]).strip()


def _element(node: etree._Element, lanes: dict[str, str | None]) -> Element:
    kind = etree.QName(node).localname
    facts = {
        "kind": kind,
        "name": " ".join((node.get("name") or "").split()),
        "lane": lane_in_force(node, lanes) or "",
        "form": task_properties(node).get(FORM_PROPERTY, ""),
        "condition": _text(_first(node, "bpmn:conditionExpression")),
        "timer": _timer(node),
        "handler": _handler(node),
        "signers": _signers(node),
        "message": _message(node),
        "called": node.get("calledElement", ""),
        "flow": f"{node.get('sourceRef', '')} → {node.get('targetRef', '')}"
        if kind == "sequenceFlow"
        else "",
    }
    return Element(node.get("id", ""), kind, tuple((k, v) for k, v in facts.items() if v))


def elements(files: dict[str, str]) -> dict[str, Element]:
    """{element id: Element} over every process of every diagram in a version's files."""
    found: dict[str, Element] = {}
    for name in sorted(files):
        if not name.lower().endswith(".bpmn"):
            continue
        root = etree.fromstring(files[name].encode("utf-8"), parser=safe_xml_parser())
        lanes = lanes_by_node(root)
        for process in root.iter(f"{{{_BPMN}}}process"):
            for node in process.iter():
                if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{_BPMN}}}"):
                    continue
                if etree.QName(node).localname in _SKIPPED or not node.get("id"):
                    continue
                found[node.get("id", "")] = _element(node, lanes)
    return found


def compare(before: dict[str, str], after: dict[str, str]) -> VersionDiff:
    """Elements added, removed and changed from the files `before` to the files `after`."""
    old, new = elements(before), elements(after)
    diff = VersionDiff(
        added=[new[i] for i in new if i not in old],
        removed=[old[i] for i in old if i not in new],
    )
    for element_id in (i for i in new if i in old):
        was, now = dict(old[element_id].facts), dict(new[element_id].facts)
        changes = [
            Change(aspect, was.get(aspect, ""), now.get(aspect, ""))
            for aspect in ASPECTS
            if was.get(aspect, "") != now.get(aspect, "")
        ]
        if changes:
            diff.changed.append((new[element_id], changes))
    return diff
