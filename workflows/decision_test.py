"""Trying a decision table before it is deployed: what a process admin types for each input, run
through the same path as a business-rule task at run time.

The decision is parsed by Spiff's parser with the files it comes with, and evaluated by a
throwaway workflow of one business-rule task that calls it, with the sandboxed script engine
every instance runs with: the same cell matching (`?` ranges, implied `==`), the same hit policy,
the same merge of the outputs into the data. The values typed for an input become the data its
expression reads: `score` or `assessed["score"]` (a name, then constant keys) are filled in for
the admin; an input read any other way needs the data itself, given as JSON alongside.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from core.errors import FieldError, InvalidInput

from .expressions import SandboxScriptEngine
from .parsing import build_parser, read_files, safe_xml_parser

_PROBE = "decision_probe"
_PROBE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="probe_defs"
  targetNamespace="http://nqi.example/probe">
  <bpmn:process id="{probe}" isExecutable="true">
    <bpmn:startEvent id="probe_start"><bpmn:outgoing>p1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="probe_rule">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>p1</bpmn:incoming><bpmn:outgoing>p2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="probe_end"><bpmn:incoming>p2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="p1" sourceRef="probe_start" targetRef="probe_rule" />
    <bpmn:sequenceFlow id="p2" sourceRef="probe_rule" targetRef="probe_end" />
  </bpmn:process>
</bpmn:definitions>"""


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    expression: str  # an input's expression, an output's name
    type_ref: str


@dataclass(frozen=True)
class Table:
    """A decision table as the test panel shows it."""

    decision_id: str
    name: str
    file: str
    inputs: tuple[Column, ...]
    outputs: tuple[Column, ...]
    rules: tuple[tuple[str, str], ...]  # (rule id, description), in row order


@dataclass
class Outcome:
    matched: list[dict[str, Any]] = field(default_factory=list)  # row (1-based), id, description
    output: dict[str, Any] = field(default_factory=dict)


def _text(node: etree._Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def _input(node: etree._Element, q: dict[str, str]) -> Column:
    expression = node.find("d:inputExpression", q)
    return Column(
        node.get("id", ""),
        node.get("label", ""),
        _text(expression.find("d:text", q)) if expression is not None else "",
        expression.get("typeRef", "") if expression is not None else "",
    )


def tables(files: dict[str, str]) -> list[Table]:
    """Every decision table among the .dmn files (unreadable files are skipped: the deploy checks
    say why)."""
    found = []
    for name, text in sorted(files.items()):
        if not name.lower().endswith(".dmn"):
            continue
        try:
            root = etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
        except etree.XMLSyntaxError:
            continue
        ns = etree.QName(root).namespace
        q = {"d": ns} if ns else {}
        for decision in root.iterfind("d:decision", q):
            table = decision.find("d:decisionTable", q)
            if table is None:
                continue
            inputs = tuple(_input(node, q) for node in table.iterfind("d:input", q))
            outputs = tuple(
                Column(
                    node.get("id", ""), node.get("label", ""), node.get("name", ""), node.get("typeRef", "")
                )
                for node in table.iterfind("d:output", q)
            )
            rules = tuple(
                (rule.get("id", ""), _text(rule.find("d:description", q)))
                for rule in table.iterfind("d:rule", q)
            )
            found.append(
                Table(decision.get("id", ""), decision.get("name", ""), name, inputs, outputs, rules)
            )
    return found


def _typed(column: Column, raw: str) -> Any:
    raw = raw.strip()
    if column.type_ref in ("number", "integer", "long", "double"):
        try:
            number = float(raw)
        except ValueError:
            raise InvalidInput(
                f"{column.label or column.expression}: {raw!r} is not a number.",
                f"{column.label or column.expression}：“{raw}”不是数字。",
                fields=[FieldError(column.id, "number", "请输入数字", "a number is required")],
            ) from None
        return int(number) if number.is_integer() and "." not in raw else number
    if column.type_ref == "boolean":
        return raw.lower() in ("true", "1", "yes", "是")
    return raw


def _path(expression: str) -> list[str] | None:
    """`name` or `name["a"]["b"]`: the keys that lead to the value; None for anything else."""
    try:
        node = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return None
    keys: list[str] = []
    while isinstance(node, ast.Subscript):
        if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            return None
        keys.insert(0, node.slice.value)
        node = node.value
    return [node.id, *keys] if isinstance(node, ast.Name) else None


def data_for(table: Table, values: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
    """The process data the inputs' expressions read: `data`, with each typed value put where
    its input's expression looks for it."""
    merged: dict[str, Any] = dict(data)
    for column in table.inputs:
        if column.id not in values:
            continue
        path = _path(column.expression)
        if path is None:
            raise InvalidInput(
                f"{column.label}: the input reads {column.expression!r}; give the data it needs as JSON.",
                f"{column.label}：该输入读取 {column.expression}，请以 JSON 提供其所需的流程数据。",
                fields=[
                    FieldError(column.id, "data_needed", "请在流程数据中提供", "give it in the process data")
                ],
            )
        holder = merged
        for key in path[:-1]:
            holder = holder.setdefault(key, {}) if isinstance(holder.get(key, {}), dict) else {}
        holder[path[-1]] = _typed(column, values[column.id])
    return merged


def run(files: dict[str, str], decision_id: str, data: dict[str, Any]) -> Outcome:
    """Evaluate the decision on `data` as a business-rule task would; an expression that fails
    raises InvalidInput naming the reason, as the instance would stop in error."""
    if decision_id not in {table.decision_id for table in tables(files)}:
        raise InvalidInput(
            f"There is no decision table {decision_id!r}.",
            f"没有决策表“{decision_id}”。",
            fields=[
                FieldError(
                    "decision", "unknown", "请选择草稿中的决策表", "choose a decision table of the draft"
                )
            ],
        )
    dmn = {name: text for name, text in files.items() if name.lower().endswith(".dmn")}
    probe = _PROBE_XML.format(probe=_PROBE, decision=decision_id)
    parser = build_parser(read_files({**dmn, f"{_PROBE}.bpmn": probe}))
    spec = parser.get_spec(_PROBE)
    workflow = BpmnWorkflow(spec, parser.get_subprocess_specs(_PROBE), script_engine=SandboxScriptEngine())
    start = workflow.get_tasks(state=TaskState.READY)[0]
    start.data.update(data)
    outcome = Outcome()
    try:
        workflow.do_engine_steps()
        rule_task = next(t for t in workflow.get_tasks() if t.task_spec.name == "probe_rule")
        # Which rows matched: asked of the same engine and task, with the data as it stood
        # before the outputs were merged in.
        merged, rule_task.data = rule_task.data, dict(data)
        try:
            rows = rule_task.task_spec.dmnEngine.decide(rule_task)
        finally:
            rule_task.data = merged
        outcome.matched = [
            {"row": rule.row_number, "id": rule.id, "description": rule.description} for rule in rows
        ]
    except Exception as exc:  # the engine's own error: the message is what an instance would show
        raise InvalidInput(
            f"The decision could not be evaluated: {exc}",
            f"决策表无法计算：{exc}",
            fields=[FieldError("data", "evaluation", str(exc)[:300], str(exc)[:300])],
        ) from None
    end = next(t for t in workflow.get_tasks() if t.task_spec.name == "probe_end")
    outcome.output = {key: value for key, value in end.data.items() if key not in data}
    return outcome
