"""What the BPMN schema and Spiff's parser say about a diagram, as problems a modeller can act on.

Spiff's messages are written for its developers: some end in a dangling "for tasks of type. ",
some carry an lxml element's repr, and its ValidationException names an element id but never a
line (it asks lxml for `line_number`, which lxml does not have). Here each one is located in our
own parsed tree (the element by id, else by what the message names, else the file's root), and
the messages we recognise are rewritten in English and Chinese; any other keeps its cleaned
first line. An exception that is not a ValidationException (hostile input can make the parser
trip over itself) becomes a problem too, logged once as one line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from .parse_messages import KNOWN, SCHEMA_KNOWN, Known
from .problems import DeployProblem

logger = logging.getLogger(__name__)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_PREFIXES = {
    BPMN_NS: "bpmn:",
    "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow:",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi:",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "dmn:",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "dmn:",
    "https://www.omg.org/spec/DMN/20180521/MODEL/": "dmn:",
}
# A message is one line for a list of problems, not a page: user text inside it is cut.
MAX_MESSAGE = 300
# XSD errors after the first few of a file are mostly consequences of them.
MAX_SCHEMA_ERRORS = 20

_ELEMENT_REPR = re.compile(r"<Element \{(?P<ns>[^}]*)\}(?P<tag>[\w.-]+) at 0x[0-9a-fA-F]+>")
_OBJECT_REPR = re.compile(r"<[\w.]+(?: object)? at 0x[0-9a-fA-F]+>")
_QUALIFIED = re.compile(r"\{(?P<ns>[^}\s]*)\}(?P<tag>[\w.-]+)")
_EXCEPTION_REPR = re.compile(
    r"^(?P<type>[A-Z]\w*(?:Error|Exception))\((?P<quote>['\"])(?P<text>.*)(?P=quote),?\)$"
)


def _prefixed(match: re.Match[str]) -> str:
    return _PREFIXES.get(match.group("ns"), "") + match.group("tag")


def clean_text(text: str) -> str:
    """One readable line: no reprs, no namespace URIs, no trailers, no dangling punctuation."""
    text = " ".join(text.split())
    text = text.split(" Context:", 1)[0]
    text = _ELEMENT_REPR.sub(_prefixed, text)
    text = _OBJECT_REPR.sub("", text)
    text = _QUALIFIED.sub(_prefixed, text)
    unwrapped = _EXCEPTION_REPR.match(text)
    if unwrapped:
        text = unwrapped.group("text")
    text = text.strip().rstrip(". ").strip()
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1].rstrip() + "…"
    return text


def _raw_message(exc: BaseException) -> str:
    # SpiffWorkflowException.__str__ appends ". " and its notes; the message is the first argument.
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, str) else str(first)


@dataclass(frozen=True)
class _Located:
    file: str
    line: int
    element_id: str


def _element_line(element: Any, fallback: int) -> int:
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) and line > 0 else fallback


def _root_line(root: etree._Element) -> int:
    return _element_line(root, 1)


def _find(roots: Mapping[str, etree._Element], first: str, xpath: str, **values: str) -> tuple[str, Any]:
    """The first element matching `xpath` (values bound as XPath variables, never spliced in),
    in the file `first` before the others."""
    for name in [first, *sorted(n for n in roots if n != first)]:
        root = roots.get(name)
        if root is None:
            continue
        found = root.xpath(xpath, namespaces={"bpmn": BPMN_NS}, **values)
        if isinstance(found, list) and found:
            return name, found[0]
    return first, None


def _flow_node_id(element: Any) -> str:
    current = element
    while current is not None and not (isinstance(current.tag, str) and current.get("id")):
        current = current.getparent()
    return "" if current is None else str(current.get("id"))


def locate(roots: Mapping[str, etree._Element], file: str, element_id: str, line: object = None) -> _Located:
    """Where a problem is: the element with `element_id` (in `file` first), else `line` if Spiff
    gave one, else the file's root element."""
    root = roots.get(file)
    fallback = _root_line(root) if root is not None else 1
    if element_id:
        found_file, element = _find(roots, file, "//*[@id=$id]", id=element_id)
        if element is not None:
            return _Located(found_file, _element_line(element, fallback), element_id)
    if isinstance(line, int) and line > 0:
        return _Located(file, line, element_id)
    return _Located(file, fallback, element_id)


def _known(text: str, table: tuple[Known, ...]) -> tuple[Known, dict[str, str]] | None:
    for known in table:
        match = known.pattern.match(text)
        if match:
            return known, {k: v or "" for k, v in match.groupdict().items()}
    return None


def from_validation(
    exc: ValidationException, default_file: str, roots: Mapping[str, etree._Element]
) -> DeployProblem:
    """A ValidationException from Spiff's parser, located and translated where we know it."""
    text = clean_text(_raw_message(exc))
    file = exc.file_name if getattr(exc, "file_name", "") in roots else default_file
    element_id = str(getattr(exc, "id", "") or "")
    tag = clean_text(str(getattr(exc, "tag", "") or "")) or "element"
    found = _known(text, KNOWN)
    if found is None:
        where = locate(roots, file, element_id, getattr(exc, "line_number", None))
        text = text or "the engine could not read this diagram"
        return DeployProblem(
            where.file, text, where.line, where.element_id, "engine", f"引擎无法解析该流程图：{text}"
        )
    known, values = found
    values["tag"] = tag
    if not element_id and known.find:
        file, element = _find(roots, file, known.find, name=values.get("name", ""))
        element_id = _flow_node_id(element) if element is not None else ""
    where = locate(roots, file, element_id, getattr(exc, "line_number", None))
    return DeployProblem(
        where.file,
        known.en.format(**values),
        where.line,
        where.element_id,
        known.code,
        known.zh.format(**values),
    )


def from_unexpected(exc: Exception, file: str, roots: Mapping[str, etree._Element]) -> DeployProblem:
    """An exception Spiff's parser was not meant to raise: a problem, and one log line."""
    # A KeyError's message is the missing key: quoted, it reads as a name.
    raw = repr(exc.args[0]) if isinstance(exc, KeyError) and exc.args else _raw_message(exc)
    text = clean_text(raw)
    logger.warning("the engine's parser failed on %s: %s: %s", file, type(exc).__name__, text)
    where = locate(roots, file, "")
    if isinstance(exc, KeyError):
        return DeployProblem(
            where.file,
            f"the diagram refers to something that is missing: {text}",
            where.line,
            "",
            "engine",
            f"流程图引用的内容不存在：{text}",
        )
    if isinstance(exc, RecursionError):
        return DeployProblem(
            where.file,
            "the engine cannot read this diagram: a chain of steps or a nesting of subprocesses is "
            "too long; split the process with subprocesses or call activities",
            where.line,
            "",
            "too_deep",
            "引擎无法读取该流程图：步骤链或子流程嵌套过长；请用子流程或调用活动拆分流程",
        )
    text = text or type(exc).__name__
    return DeployProblem(
        where.file,
        f"the engine could not read this diagram: {text}",
        where.line,
        "",
        "engine",
        f"引擎无法读取该流程图：{text}",
    )


def guarded(
    call: Callable[[], object], file: str, roots: Mapping[str, etree._Element]
) -> list[DeployProblem]:
    """Run one step of Spiff's parser; whatever it raises comes back as a problem."""
    try:
        call()
    except ValidationException as exc:
        return [from_validation(exc, file, roots)]
    except Exception as exc:  # hostile input must never crash a deployment
        return [from_unexpected(exc, file, roots)]
    return []


def _element_at(root: etree._Element, line: int, tag: str) -> Any:
    """The element an XSD error at `line` is about: the one of that tag on the line, else the
    first element on it."""
    first = None
    for element in root.iter():
        if not isinstance(element.tag, str) or element.sourceline != line:
            continue
        if first is None:
            first = element
        if _QUALIFIED.sub(_prefixed, element.tag) == tag or etree.QName(element).localname == tag:
            return element
    return first


def schema_problems(
    file: str, root: etree._Element, schema: etree.XMLSchema, standard: str = "BPMN 2.0"
) -> list[DeployProblem]:
    """Every XSD error of one file (the first MAX_SCHEMA_ERRORS), each with its line and element."""
    if schema.validate(root):
        return []
    problems: list[DeployProblem] = []
    errors = list(schema.error_log)
    for error in errors[:MAX_SCHEMA_ERRORS]:
        text = clean_text(str(error.message))
        line = error.line if isinstance(error.line, int) and error.line > 0 else _root_line(root)
        found = _known(text, SCHEMA_KNOWN)
        if found is None:
            code, element_tag = "schema", ""
            en, zh = (
                f"does not follow the {standard} schema: {text}",
                f"不符合 {standard} 规范（XSD）：{text}",
            )
        else:
            known, values = found
            code, en, zh = known.code, known.en.format(**values), known.zh.format(**values)
            element_tag = values.get("el", "")
        element = _element_at(root, line, element_tag)
        problems.append(DeployProblem(file, en, line, _flow_node_id(element), code, zh))
    if len(errors) > MAX_SCHEMA_ERRORS:
        last = errors[MAX_SCHEMA_ERRORS]
        line = last.line if isinstance(last.line, int) and last.line > 0 else _root_line(root)
        more = len(errors) - MAX_SCHEMA_ERRORS
        problems.append(
            DeployProblem(
                file,
                f"{more} more schema errors from here on are not listed; fix the ones above first",
                line,
                "",
                "schema",
                f"自此处起还有 {more} 处不符合规范的地方未列出；请先修正上面的问题",
            )
        )
    return problems
