"""Turning deployed files into Spiff specs, with untrusted XML parsed defensively."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from core.errors import FieldError, InvalidInput

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 50


@dataclass(frozen=True)
class DeployProblem:
    """One reason a set of files cannot be deployed, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    element_id: str = ""
    code: str = "invalid"
    # Chinese for the problems that have it; the others show the English message to both.
    message_zh: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "element_id": self.element_id,
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh or self.message,
        }


class DiagramInvalid(InvalidInput):
    """The files cannot be deployed; `problems` says where and why, all of them at once."""

    code = "diagram_invalid"

    def __init__(self, problems: list[DeployProblem]) -> None:
        summary = "; ".join(p.message for p in problems[:3])
        summary_zh = "；".join(p.message_zh or p.message for p in problems[:3])
        super().__init__(
            f"The diagram cannot be deployed: {summary}",
            f"流程图无法部署，共 {len(problems)} 处问题：{summary_zh}",
            fields=[
                FieldError(
                    p.file or "files",
                    p.code,
                    p.message_zh or p.message,
                    p.message,
                    extra={"line": p.line, "element_id": p.element_id},
                )
                for p in problems
            ],
        )
        self.problems = problems


@dataclass
class ParsedFiles:
    bpmn: dict[str, etree._Element] = field(default_factory=dict)
    dmn: dict[str, etree._Element] = field(default_factory=dict)
    forms: dict[str, Any] = field(default_factory=dict)


def content_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(files[name].encode())
        digest.update(b"\0")
    return digest.hexdigest()


def safe_xml_parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network: uploaded diagrams are untrusted.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _parse_xml(name: str, text: str) -> etree._Element:
    found = [at for at in (text.find("<!DOCTYPE"), text.find("<!ENTITY")) if at >= 0]
    if found:
        raise DiagramInvalid(
            [
                DeployProblem(
                    name,
                    "DOCTYPE and entity declarations are not allowed",
                    line=text.count("\n", 0, min(found)) + 1,
                    code="xml",
                    message_zh="不允许 DOCTYPE 和实体声明",
                )
            ]
        )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise DiagramInvalid(
            [DeployProblem(name, f"malformed XML: {exc.msg}", line=exc.lineno, code="xml")]
        ) from None
    return root


def read_files(files: dict[str, str]) -> ParsedFiles:
    """Split the upload by kind and parse each file; collect every problem before failing."""
    problems: list[DeployProblem] = []
    parsed = ParsedFiles()
    if not files:
        raise DiagramInvalid([DeployProblem("", "no files given", code="empty")])
    if len(files) > MAX_FILES:
        raise DiagramInvalid(
            [DeployProblem("", f"at most {MAX_FILES} files per deployment", code="too_many")]
        )
    for name, text in sorted(files.items()):
        if "/" in name or "\\" in name or name.startswith("."):
            problems.append(DeployProblem(name, "file names may not contain paths", code="file_name"))
            continue
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            problems.append(DeployProblem(name, "file larger than 2 MiB", code="too_large"))
            continue
        try:
            if name.endswith(".bpmn"):
                parsed.bpmn[name] = _parse_xml(name, text)
            elif name.endswith(".dmn"):
                parsed.dmn[name] = _parse_xml(name, text)
            elif name.endswith(".json"):
                try:
                    parsed.forms[name] = json.loads(text)
                except json.JSONDecodeError as exc:
                    problems.append(
                        DeployProblem(name, f"invalid JSON: {exc.msg}", line=exc.lineno, code="json")
                    )
                except RecursionError:
                    problems.append(
                        DeployProblem(
                            name, "JSON nested too deeply", code="json", message_zh="JSON 嵌套层数过多"
                        )
                    )
            else:
                problems.append(
                    DeployProblem(name, "only .bpmn, .dmn and .json files can be deployed", code="kind")
                )
        except DiagramInvalid as exc:
            problems.extend(exc.problems)
    if not parsed.bpmn and not problems:
        problems.append(DeployProblem("", "a deployment needs at least one .bpmn file", code="no_bpmn"))
    if problems:
        raise DiagramInvalid(problems)
    return parsed


def executable_process_ids(parsed: ParsedFiles) -> list[str]:
    ids: list[str] = []
    for root in parsed.bpmn.values():
        for process in root.iterfind("bpmn:process", NSMAP):
            if process.get("isExecutable", "false") == "true":
                ids.append(process.get("id", ""))
    return ids


def build_parser(parsed: ParsedFiles) -> SpiffBpmnParser:
    """Load every file into Spiff's parser with XSD validation on (its default is none)."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for name, root in parsed.dmn.items():
        try:
            parser.add_dmn_xml(root, filename=name)
        except ValidationException as exc:
            raise DiagramInvalid([_from_validation(exc, name)]) from None
    for name, root in parsed.bpmn.items():
        try:
            parser.add_bpmn_xml(root, filename=name)
        except ValidationException as exc:
            raise DiagramInvalid([_from_validation(exc, name)]) from None
    return parser


def load_specs(parser: SpiffBpmnParser, process_id: str, file_name: str = "") -> tuple[Any, dict[str, Any]]:
    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise DiagramInvalid([_from_validation(exc, file_name)]) from None
    return spec, subprocess_specs


def _from_validation(exc: ValidationException, default_file: str) -> DeployProblem:
    line = getattr(exc, "line_number", None)
    return DeployProblem(
        file=getattr(exc, "file_name", "") or default_file,
        message=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        line=line if isinstance(line, int) else None,
        element_id=getattr(exc, "id", "") or "",
        code="schema",
    )


def process_name(files: dict[str, str], process_id: str) -> str:
    """The name the diagram gives its process, for naming the model when nobody else did."""
    for root in read_files(files).bpmn.values():
        for process in root.iterfind("bpmn:process", NSMAP):
            if process.get("id") == process_id:
                return str(process.get("name") or "")
    return ""
