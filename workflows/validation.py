"""Deploy-time checks that Spiff does not make: everything a run could trip over is found here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jsonschema import exceptions as jsonschema_exceptions
from jsonschema.validators import validator_for
from lxml import etree

from . import registry
from .expressions import UnsafeExpression, compile_expression
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
    file: str, node: etree._Element, text: str | None, what: str
) -> Iterator[DeployProblem]:
    if text is None or not text.strip():
        return
    try:
        compile_expression(text.strip())
    except UnsafeExpression as exc:
        yield DeployProblem(file, f"{what}: {exc}", node.sourceline, _id_of(node), "expression")


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
        for param in operator.iter(_spiff("parameter")):
            yield from _check_expression(file, param, param.get("value"), f"parameter {param.get('id')}")
    for tag in HUMAN_TASK_TAGS:
        for node in root.iter(_bpmn(tag)):
            yield from _check_human_task(file, node, lanes.get(node.get("id", "")), resolver, forms)


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
    if not form:
        return
    if form not in forms:
        yield DeployProblem(
            file,
            f"form file {form!r} is missing from the deployment",
            node.sourceline,
            task_id,
            "form_missing",
        )
        return
    schema = forms[form]
    try:
        validator_for(schema).check_schema(schema)
    except jsonschema_exceptions.SchemaError as exc:
        yield DeployProblem(form, f"not a valid JSON Schema: {exc.message}", None, task_id, "form_schema")


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
        for rule in table.iterfind("dmn:rule", q):
            for input_expr, entry in zip(inputs, rule.iterfind("dmn:inputEntry", q), strict=False):
                cell = (entry.findtext("dmn:text", default="", namespaces=q) or "").strip()
                if cell and cell != "-" and input_expr:
                    yield from _check_expression(
                        file, entry, _dmn_cell_expression(input_expr, cell), "decision cell"
                    )
            for entry in rule.iterfind("dmn:outputEntry", q):
                yield from _check_expression(
                    file, entry, entry.findtext("dmn:text", namespaces=q), "decision output"
                )


def check(parsed: ParsedFiles) -> list[DeployProblem]:
    problems: list[DeployProblem] = []
    for name, root in parsed.bpmn.items():
        problems.extend(_check_bpmn(name, root, parsed.forms))
    for name, root in parsed.dmn.items():
        problems.extend(_check_dmn(name, root))
    return problems
