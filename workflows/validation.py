"""Deploy-time checks that Spiff does not make: everything a run could trip over is found here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from . import registry
from .expressions import UnsafeExpression, compile_expression
from .form_schemas import schema_problems
from .parsing import NSMAP, DeployProblem, ParsedFiles

DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20180521/MODEL/",
)
FORM_PROPERTY = "formJsonSchemaFilename"
HUMAN_TASK_TAGS = ("userTask", "manualTask")


def _bpmn(tag: str) -> str:
    return f"{{{NSMAP['bpmn']}}}{tag}"


def _spiff(tag: str) -> str:
    return f"{{{NSMAP['spiffworkflow']}}}{tag}"


def _id_of(node: etree._Element) -> str:
    current: etree._Element | None = node
    while current is not None:
        if current.get("id"):
            return str(current.get("id"))
        current = current.getparent()
    return ""


def _check_expression(
    file: str, node: etree._Element, text: str | None, what: str, element_id: str | None = None
) -> Iterator[DeployProblem]:
    if text is None or not text.strip():
        return
    try:
        compile_expression(text.strip())
    except UnsafeExpression as exc:
        located = _id_of(node) if element_id is None else element_id
        yield DeployProblem(file, f"{what}: {exc}", node.sourceline, located, "expression")


def task_properties(task: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for prop in task.iterfind(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NSMAP
    ):
        props[prop.get("name", "")] = prop.get("value", "")
    return props


def _lanes_by_node(root: etree._Element) -> dict[str, str]:
    lanes: dict[str, str] = {}
    for lane in root.iter(_bpmn("lane")):
        for ref in lane.iterfind("bpmn:flowNodeRef", NSMAP):
            if ref.text:
                lanes[ref.text.strip()] = lane.get("name") or ""
    return lanes


def _check_bpmn(file: str, root: etree._Element, forms: dict[str, Any]) -> Iterator[DeployProblem]:
    lanes = _lanes_by_node(root)
    resolver = registry.lane_resolver()
    for node in root.iter(_bpmn("scriptTask")):
        yield DeployProblem(
            file,
            "script tasks are not allowed; use a service task with a registered handler",
            node.sourceline,
            _id_of(node),
            "script_task",
        )
    for tag in ("preScript", "postScript"):
        for node in root.iter(_spiff(tag)):
            yield DeployProblem(
                file,
                f"{tag} is not allowed; use a service task with a registered handler",
                node.sourceline,
                _id_of(node),
                "script",
            )
    for node in root.iter(_bpmn("conditionExpression"), _bpmn("condition")):
        yield from _check_expression(file, node, node.text, "condition")
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.iter(_bpmn(tag)):
            if not (node.text or "").strip():
                yield DeployProblem(file, f"{tag} is empty", node.sourceline, _id_of(node), "timer")
            yield from _check_expression(file, node, node.text, "timer expression")
    for tag in ("completionCondition", "loopCardinality", "loopCondition"):
        for node in root.iter(_bpmn(tag)):
            yield from _check_expression(file, node, node.text, tag)
    for node in root.iter(_bpmn("serviceTask")):
        operator = node.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NSMAP)
        if operator is None:
            yield DeployProblem(
                file, "service task names no handler", node.sourceline, node.get("id", ""), "handler"
            )
            continue
        name = operator.get("id", "")
        if registry.service_handler(name) is None:
            yield DeployProblem(
                file,
                f"service task handler {name!r} is not registered",
                node.sourceline,
                node.get("id", ""),
                "handler",
            )
        task_id = node.get("id", "")
        for param in operator.iter(_spiff("parameter")):
            yield from _check_expression(
                file,
                param,
                param.get("value"),
                f"service task {task_id!r} parameter {param.get('id')!r}",
                element_id=task_id,
            )
    yield from _check_payloads(file, root)
    for tag in HUMAN_TASK_TAGS:
        for node in root.iter(_bpmn(tag)):
            yield from _check_human_task(file, node, lanes.get(node.get("id", "")), resolver, forms)


# Expressions Spiff evaluates when an event is thrown or a message is correlated: the payload a
# message, signal, error or escalation carries, and the correlation keys taken from it.
_PAYLOAD_EXPRESSIONS = (
    (_spiff("messagePayload"), "message payload"),
    (_spiff("payloadExpression"), "payload expression"),
    (_spiff("processVariableCorrelation"), "correlation expression"),
    (_bpmn("correlationPropertyRetrievalExpression"), "correlation retrieval expression"),
)


def _flow_node_id(node: etree._Element) -> str:
    """The id to name for an expression: an event definition's event rather than the definition,
    since the event is what the modeller sees and names."""
    current: etree._Element | None = node
    while current is not None and not current.get("id"):
        current = current.getparent()
    if current is None:
        return ""
    parent = current.getparent()
    if etree.QName(current).localname.endswith("EventDefinition") and parent is not None and parent.get("id"):
        return str(parent.get("id"))
    return str(current.get("id"))


def _check_payloads(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    for tag, what in _PAYLOAD_EXPRESSIONS:
        for node in root.iter(tag):
            if tag == _spiff("processVariableCorrelation"):
                texts = node.iterfind("spiffworkflow:expression", NSMAP)
            elif tag == _bpmn("correlationPropertyRetrievalExpression"):
                texts = (
                    child for child in node if child.tag in (_bpmn("messagePath"), _bpmn("formalExpression"))
                )
            else:
                texts = iter((node,))
            for text_node in texts:
                element_id = _flow_node_id(text_node)
                yield from _check_expression(
                    file, text_node, text_node.text, f"{what} of {element_id!r}", element_id=element_id
                )


def _check_human_task(
    file: str, node: etree._Element, lane: str | None, resolver: registry.LaneResolver, forms: dict[str, Any]
) -> Iterator[DeployProblem]:
    task_id = node.get("id", "")
    if lane is None:
        yield DeployProblem(
            file, "human task is not in a lane, so nobody could work it", node.sourceline, task_id, "lane"
        )
    elif resolver.role_for_lane(lane) is None:
        yield DeployProblem(file, f"lane {lane!r} does not map to a role", node.sourceline, task_id, "lane")
    form = task_properties(node).get(FORM_PROPERTY)
    if form and form not in forms:
        yield DeployProblem(
            file,
            f"form file {form!r} is missing from the deployment",
            node.sourceline,
            task_id,
            "form_missing",
        )


def _check_forms(forms: dict[str, Any], used_by: dict[str, str]) -> Iterator[DeployProblem]:
    """Each form some human task names, once, located at the first task naming it."""
    for name, task_id in sorted(used_by.items()):
        if name not in forms:
            continue
        for problem in schema_problems(name, forms[name]):
            yield DeployProblem(
                name, problem.message_en, None, task_id, problem.code, message_zh=problem.message_zh
            )


_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def _dmn_cell_expression(input_expr: str, cell: str) -> str:
    """Rebuild the expression Spiff's DMN engine will evaluate for one input cell."""
    cell = _QUESTION_MARK.sub("dmninputexpr", cell)
    if "dmninputexpr" in cell:
        return cell
    try:
        compile_expression(cell)
        return f"({input_expr}) == ({cell})"
    except UnsafeExpression:
        return f"{input_expr} {cell}"


def _check_dmn_cell(
    file: str, entry: etree._Element, input_expr: str, cell: str, where: str
) -> Iterator[DeployProblem]:
    """Check the expression the engine will build from the cell, but describe the cell as the
    author wrote it: the rebuilt text ("(score) == (...)") is not in any file."""
    try:
        compile_expression(_dmn_cell_expression(input_expr, cell))
    except UnsafeExpression as exc:
        yield DeployProblem(
            file, f"decision cell {cell!r} ({where}): {exc}", entry.sourceline, _id_of(entry), "expression"
        )


def _check_dmn(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    ns = etree.QName(root).namespace
    if ns not in DMN_NAMESPACES:
        yield DeployProblem(file, f"unsupported DMN namespace {ns!r}", root.sourceline, "", "dmn")
        return
    q = {"dmn": ns}
    for table in root.iterfind(".//dmn:decisionTable", q):
        inputs = [
            (inp.findtext("dmn:inputExpression/dmn:text", default="", namespaces=q) or "").strip()
            for inp in table.iterfind("dmn:input", q)
        ]
        for expr_node, text in zip(
            table.iterfind("dmn:input/dmn:inputExpression/dmn:text", q), inputs, strict=False
        ):
            if not text:
                yield DeployProblem(
                    file, "decision input has no expression", expr_node.sourceline, _id_of(expr_node), "dmn"
                )
            else:
                yield from _check_expression(file, expr_node, text, "decision input")
        labels = [
            inp.get("label") or text
            for inp, text in zip(table.iterfind("dmn:input", q), inputs, strict=False)
        ]
        for number, rule in enumerate(table.iterfind("dmn:rule", q), start=1):
            for input_expr, label, entry in zip(
                inputs, labels, rule.iterfind("dmn:inputEntry", q), strict=False
            ):
                cell = (entry.findtext("dmn:text", default="", namespaces=q) or "").strip()
                if cell and cell != "-" and input_expr:
                    yield from _check_dmn_cell(
                        file, entry, input_expr, cell, f"rule {number}, input {label!r}"
                    )
            for entry in rule.iterfind("dmn:outputEntry", q):
                yield from _check_expression(
                    file, entry, entry.findtext("dmn:text", namespaces=q), "decision output"
                )


def _forms_used(parsed: ParsedFiles) -> dict[str, str]:
    used_by: dict[str, str] = {}
    for _, root in sorted(parsed.bpmn.items()):
        for tag in HUMAN_TASK_TAGS:
            for node in root.iter(_bpmn(tag)):
                form = task_properties(node).get(FORM_PROPERTY)
                if form:
                    used_by.setdefault(form, node.get("id", ""))
    return used_by


def check(parsed: ParsedFiles) -> list[DeployProblem]:
    problems: list[DeployProblem] = []
    for name, root in parsed.bpmn.items():
        problems.extend(_check_bpmn(name, root, parsed.forms))
    problems.extend(_check_forms(parsed.forms, _forms_used(parsed)))
    for name, root in parsed.dmn.items():
        problems.extend(_check_dmn(name, root))
    return problems
