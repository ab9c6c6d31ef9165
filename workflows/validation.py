"""Deploy-time checks that Spiff does not make: everything a run could trip over is found here."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from . import construct_rules, message_rules, registry, task_settings, timers
from .expressions import UnsafeExpression, compile_expression
from .form_schemas import schema_problems
from .lane_rules import lane_problems, lanes_by_node
from .parsing import NSMAP, DeployProblem, ParsedFiles

DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20180521/MODEL/",
)
FORM_PROPERTY = "formJsonSchemaFilename"
# The tasks Spiff waits on a person for: a plain bpmn:task too (its spec is `manual`), so it needs a
# lane that maps to a role like the others.
HUMAN_TASK_TAGS = ("userTask", "manualTask", "task")


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
    if text is None or not text.strip() or _foreign_language(node):
        return  # a foreign language is reported once, by _check_languages
    try:
        compile_expression(text.strip())
    except UnsafeExpression as exc:
        located = _id_of(node) if element_id is None else element_id
        yield DeployProblem(
            file, f"{what}: {exc}", node.sourceline, located, "expression", f"表达式无效（{what}）：{exc}"
        )


def task_properties(task: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for prop in task.iterfind(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NSMAP
    ):
        props[prop.get("name", "")] = prop.get("value", "")
    return props


def _check_bpmn(file: str, root: etree._Element, forms: dict[str, Any]) -> Iterator[DeployProblem]:
    lanes = lanes_by_node(root)
    resolver = registry.lane_resolver()
    for node in root.iter(_bpmn("scriptTask")):
        yield DeployProblem(
            file,
            "script tasks are not allowed; use a service task with a registered handler",
            node.sourceline,
            _id_of(node),
            "script_task",
            "不允许使用脚本任务；请改用服务任务并指定已注册的处理程序",
        )
    for tag in ("preScript", "postScript"):
        for node in root.iter(_spiff(tag)):
            yield DeployProblem(
                file,
                f"{tag} is not allowed; use a service task with a registered handler",
                node.sourceline,
                _id_of(node),
                "script",
                f"不允许使用 {tag}；请改用服务任务并指定已注册的处理程序",
            )
    yield from _check_languages(file, root)
    for node in root.iter(_bpmn("conditionExpression"), _bpmn("condition")):
        yield from _check_expression(file, node, node.text, "condition")
    yield from _check_timers(file, root)
    for tag in ("completionCondition", "loopCardinality", "loopCondition"):
        for node in root.iter(_bpmn(tag)):
            yield from _check_expression(file, node, node.text, tag)
    for node in root.iter(_bpmn("serviceTask")):
        operator = node.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NSMAP)
        if operator is None:
            yield DeployProblem(
                file,
                "service task names no handler",
                node.sourceline,
                node.get("id", ""),
                "handler",
                "服务任务没有指定处理程序（spiffworkflow:serviceTaskOperator）",
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
                f"服务任务的处理程序“{name}”未注册",
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
            # The lane the task runs in, as Spiff resolves it (a subprocess may hand its own down).
            yield from lane_problems(file, node, lanes, resolver)
            yield from _check_human_task(file, node, forms)
    yield from construct_rules.check(file, root)
    yield from message_rules.check(file, root)


# What a `language` attribute may name: the expressions are the sandbox's Python subset. Anything
# else (FEEL, JUEL, XPath, JavaScript) would be read as Python and mean something else, or fail
# only when the instance gets there.
_PYTHON_LANGUAGES = ("python", "text/python", "text/x-python", "application/x-python")


def _foreign_language(node: etree._Element) -> str | None:
    language = node.get("language") if isinstance(node.tag, str) else None
    if language is None or language.strip().lower() in _PYTHON_LANGUAGES:
        return None
    return language.strip()


def _check_languages(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    for node in root.iter():
        language = _foreign_language(node)
        if language is None:
            continue
        tag = etree.QName(node).localname
        yield DeployProblem(
            file,
            f"{tag} is written in {language!r}: only Python expressions (the sandbox's subset) "
            "are supported; rewrite it in Python, e.g. amount > 100 and approved",
            node.sourceline,
            _id_of(node),
            "expression_language",
            message_zh=f"{tag} 使用了不支持的表达式语言「{language}」：仅支持 Python 表达式（沙箱子集），"
            "请改写为 Python，例如 amount > 100 and approved",
        )


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


def _check_timers(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    """A timer's text is ISO 8601 as written (P7D, R3/PT1H) or an expression; what it gives must
    be what Spiff's timers read, checked with the parsers the run uses (workflows/timers.py). A
    computed value is checked when it is computed; a constant one (`"P3D"`, `3`) here already."""
    for kind in (timers.DURATION, timers.DATE, timers.CYCLE):
        for node in root.iter(_bpmn(kind)):
            element_id = _flow_node_id(node)
            text = (node.text or "").strip()
            if _foreign_language(node):
                continue  # reported once, by _check_languages
            if not text:
                yield DeployProblem(
                    file, f"{kind} is empty", node.sourceline, element_id, "timer", message_zh=f"{kind} 为空"
                )
                continue
            value: object = timers.iso_literal(text)
            if value is None:
                try:
                    tree = compile_expression(text)
                except UnsafeExpression as exc:
                    yield DeployProblem(
                        file,
                        f"timer text {text!r} is neither ISO 8601 (P7D, 2026-12-31T09:00:00+08:00, R3/PT1H)"
                        f" nor a valid expression: {exc}",
                        node.sourceline,
                        element_id,
                        "expression",
                        message_zh=f"定时器文本「{text}」既不是 ISO 8601 格式"
                        f"（如 P7D、2026-12-31T09:00:00+08:00、R3/PT1H），也不是有效的表达式：{exc}",
                    )
                    continue
                if not isinstance(tree.body, ast.Constant):
                    continue  # computed: checked when it is computed
                value = tree.body.value
            problem = timers.value_problem(kind, value)
            if problem is not None:
                yield DeployProblem(
                    file,
                    problem.message_en,
                    node.sourceline,
                    element_id,
                    "timer",
                    message_zh=problem.message_zh,
                )


def _check_human_task(file: str, node: etree._Element, forms: dict[str, Any]) -> Iterator[DeployProblem]:
    task_id = node.get("id", "")
    props = task_properties(node)
    form = props.get(FORM_PROPERTY)
    _offered, unknown = task_settings.parse_operations(props.get(task_settings.OPERATIONS_PROPERTY))
    if unknown:
        names = ", ".join(unknown)
        yield DeployProblem(
            file,
            f"unknown approval operations {names}; known: {', '.join(task_settings.OPERATIONS)}",
            node.sourceline,
            task_id,
            "unknown_operation",
            f"未知的审批操作：{names}（可用：{'、'.join(task_settings.OPERATIONS)}）",
        )
    if form and form not in forms:
        yield DeployProblem(
            file,
            f"form file {form!r} is missing from the deployment",
            node.sourceline,
            task_id,
            "form_missing",
            f"表单文件“{form}”不在本次部署的文件中",
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
            file,
            f"decision cell {cell!r} ({where}): {exc}",
            entry.sourceline,
            _id_of(entry),
            "expression",
            f"决策单元格“{cell}”（{where}）无效：{exc}",
        )


def _check_dmn(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    ns = etree.QName(root).namespace
    if ns not in DMN_NAMESPACES:
        yield DeployProblem(
            file,
            f"unsupported DMN namespace {ns!r}",
            root.sourceline,
            "",
            "dmn",
            f"不支持的 DMN 命名空间“{ns}”",
        )
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
                    file,
                    "decision input has no expression",
                    expr_node.sourceline,
                    _id_of(expr_node),
                    "dmn",
                    "决策输入没有表达式",
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
