"""Turning deployed files into Spiff specs, with untrusted XML parsed defensively."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import call_specs, parse_errors, parser_hazards

# DeployProblem and DiagramInvalid live in .problems (every checker needs them); this module is
# where the rest of the code imports them from.
from .problems import DeployProblem, DiagramInvalid

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 50


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
            [
                DeployProblem(
                    name,
                    f"malformed XML: {exc.msg}",
                    line=exc.lineno,
                    code="xml",
                    message_zh=f"XML 格式错误：{exc.msg}",
                )
            ]
        ) from None
    return root


def read_files(files: dict[str, str]) -> ParsedFiles:
    """Split the upload by kind and parse each file; collect every problem before failing."""
    problems: list[DeployProblem] = []
    parsed = ParsedFiles()
    if not files:
        raise DiagramInvalid(
            [DeployProblem("", "no files given", code="empty", message_zh="没有提交任何文件")]
        )
    if len(files) > MAX_FILES:
        raise DiagramInvalid(
            [
                DeployProblem(
                    "",
                    f"at most {MAX_FILES} files per deployment",
                    code="too_many",
                    message_zh=f"每次部署最多 {MAX_FILES} 个文件",
                )
            ]
        )
    for name, text in sorted(files.items()):
        if "/" in name or "\\" in name or name.startswith("."):
            problems.append(
                DeployProblem(
                    name,
                    "file names may not contain paths",
                    code="file_name",
                    message_zh="文件名中不能含有路径",
                )
            )
            continue
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            problems.append(
                DeployProblem(name, "file larger than 2 MiB", code="too_large", message_zh="文件超过 2 MiB")
            )
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
                        DeployProblem(
                            name,
                            f"invalid JSON: {exc.msg}",
                            line=exc.lineno,
                            code="json",
                            message_zh=f"JSON 格式错误：{exc.msg}",
                        )
                    )
                except RecursionError:
                    problems.append(
                        DeployProblem(
                            name, "JSON nested too deeply", code="json", message_zh="JSON 嵌套层数过多"
                        )
                    )
            else:
                problems.append(
                    DeployProblem(
                        name,
                        "only .bpmn, .dmn and .json files can be deployed",
                        code="kind",
                        message_zh="只能部署 .bpmn、.dmn 和 .json 文件",
                    )
                )
        except DiagramInvalid as exc:
            problems.extend(exc.problems)
    if not parsed.bpmn and not problems:
        problems.append(
            DeployProblem(
                "",
                "a deployment needs at least one .bpmn file",
                code="no_bpmn",
                message_zh="部署至少需要一个 .bpmn 文件",
            )
        )
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


def _roots(parsed: ParsedFiles) -> dict[str, etree._Element]:
    return {**parsed.bpmn, **parsed.dmn}


@functools.cache
def _dmn_validator(namespace: str | None) -> BpmnValidator | None:
    # Spiff builds a DMN validator per file (its schema depends on the DMN version); one per
    # version is enough. None: a namespace validation._check_dmn refuses.
    schema = DMN_SCHEMAS.get(namespace or "")
    return BpmnValidator(schema) if schema is not None else None


def _schema_problems(
    name: str, root: etree._Element, validator: BpmnValidator, standard: str
) -> list[DeployProblem]:
    # As Spiff's own validation does first: bpmn.js writes a correlation's formalExpression where
    # the schema wants messagePath.
    validator.preprocess(root)
    return parse_errors.schema_problems(name, root, validator.validator, standard)


def add_files(parsed: ParsedFiles) -> tuple[SpiffBpmnParser, list[DeployProblem]]:
    """Load every file into Spiff's parser, each checked against its schema first, and collect
    what each file's check or load finds: one file's problem does not hide another's. A file
    with schema errors is not loaded (the parser would only trip over what the schema names),
    nor one that would make the parser loop for ever (parser_hazards)."""
    parser = SpiffBpmnParser()  # no validator: ours lists every XSD error of a file, with its line
    roots = _roots(parsed)
    problems: list[DeployProblem] = []
    for name, root in sorted(parsed.dmn.items()):
        validator = _dmn_validator(etree.QName(root).namespace)
        if validator is None:
            continue
        problems.extend(
            _schema_problems(name, root, validator, "DMN")
            or parse_errors.guarded(functools.partial(parser.add_dmn_xml, root, filename=name), name, roots)
        )
    for name, root in sorted(parsed.bpmn.items()):
        problems.extend(
            _schema_problems(name, root, VALIDATOR, "BPMN 2.0")
            or parser_hazards.data_object_hazards(name, root)
            or parse_errors.guarded(functools.partial(parser.add_bpmn_xml, root, filename=name), name, roots)
        )
    return parser, problems


def _file_of(parsed: ParsedFiles, process_id: str) -> str:
    for name, root in sorted(parsed.bpmn.items()):
        for process in root.iterfind("bpmn:process", NSMAP):
            if process.get("id") == process_id:
                return name
    return ""


def _specs(parser: SpiffBpmnParser, process_id: str) -> tuple[Any, dict[str, Any]]:
    # A callee outside the file set is left as None: a deployed model called by key, or a missing
    # one, which workflows/callees.py refuses at deploy naming the call activity.
    return parser.get_spec(process_id), call_specs.subprocess_specs(parser, process_id)


def engine_problems(parsed: ParsedFiles, process_id: str) -> list[DeployProblem]:
    """What Spiff's parser finds: per file (schema, then load), then in building the process
    `process_id` and the processes it calls, and, when that build fails, in building each other
    process of the set (Spiff reports the first problem of a build). The builds wait for every
    file to load: a file that did not would make its processes look missing."""
    parser, problems = add_files(parsed)
    if process_id and not problems:
        roots = _roots(parsed)
        file = _file_of(parsed, process_id)
        problems = parse_errors.guarded(functools.partial(_specs, parser, process_id), file, roots)
        if problems:
            # Spiff stops at the first problem of a build: build each other executable process
            # of the set on its own too, so that a problem in one does not hide another's (a
            # process that is not executable is documentation, e.g. a partner's pool).
            for other in sorted(set(executable_process_ids(parsed)) - {process_id}):
                problems += parse_errors.guarded(
                    functools.partial(parser.get_spec, other), _file_of(parsed, other), roots
                )
    return problems


def build_parser(parsed: ParsedFiles) -> SpiffBpmnParser:
    """Spiff's parser holding every file, schema-checked (Spiff's default is no check)."""
    parser, problems = add_files(parsed)
    if problems:
        raise DiagramInvalid(problems)
    return parser


def load_specs(
    parser: SpiffBpmnParser, process_id: str, file_name: str = "", parsed: ParsedFiles | None = None
) -> tuple[Any, dict[str, Any]]:
    roots = _roots(parsed) if parsed is not None else {}
    file = file_name or (_file_of(parsed, process_id) if parsed is not None else "")
    specs: list[tuple[Any, dict[str, Any]]] = []
    problems = parse_errors.guarded(lambda: specs.append(_specs(parser, process_id)), file, roots)
    if problems:
        raise DiagramInvalid(problems)
    return specs[0]


def process_name(files: dict[str, str], process_id: str) -> str:
    """The name the diagram gives its process, for naming the model when nobody else did."""
    for root in read_files(files).bpmn.values():
        for process in root.iterfind("bpmn:process", NSMAP):
            if process.get("id") == process_id:
                return str(process.get("name") or "")
    return ""
