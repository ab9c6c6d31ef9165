"""Deploy checks of messages and signals: every one has a name to send and match it by, and a
`bufferFor` is a duration (workflows/message_catalog.py reads it)."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from . import timers
from .message_catalog import BUFFER_PROPERTY, duration
from .parsing import NSMAP
from .problems import DeployProblem

_BPMN = NSMAP["bpmn"]
_KINDS = (("message", "messageRef", "消息"), ("signal", "signalRef", "信号"))


def name_problems(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    """A message or signal event whose message or signal has no name (the engine names it by
    its bpmn:message / bpmn:signal, or by the event when it names none): nothing could send it,
    and a start or catch of it would wait for ever."""
    for kind, ref_attribute, kind_zh in _KINDS:
        named = {node.get("id"): node.get("name") for node in root.iter(f"{{{_BPMN}}}{kind}")}
        for definition in root.iter(f"{{{_BPMN}}}{kind}EventDefinition"):
            ref = definition.get(ref_attribute)
            event = definition.getparent()
            if ref is not None and ref not in named:
                continue  # a dangling reference: the parser's problem, reported with its line
            name = named[ref] if ref is not None else (event.get("name") if event is not None else None)
            if name and name.strip():
                continue
            yield DeployProblem(
                file,
                f"the {kind} of this event has no name: nothing could send it or match it; give the "
                f"bpmn:{kind} a name",
                definition.sourceline,
                (event.get("id", "") if event is not None else "") or definition.get("id", ""),
                "unnamed_event",
                message_zh=f"该事件的{kind_zh}没有名称，无法发送或匹配；请为 bpmn:{kind} 填写名称",
            )


def buffer_problems(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    """A `bufferFor` that is not an ISO 8601 duration the engine can read."""
    for message in root.iter(f"{{{NSMAP['bpmn']}}}message"):
        for prop in message.iterfind(
            "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NSMAP
        ):
            if prop.get("name") != BUFFER_PROPERTY:
                continue
            text = (prop.get("value") or "").strip()
            if timers.value_problem(timers.DURATION, text) is None and duration(text) is not None:
                continue
            yield DeployProblem(
                file,
                f"bufferFor {text!r} of message {message.get('name')!r} is not an ISO 8601 duration "
                "such as P3D or PT12H",
                prop.sourceline,
                message.get("id", ""),
                "message_buffer",
                message_zh=f"消息「{message.get('name')}」的 bufferFor「{text}」"
                "不是 ISO 8601 时长（如 P3D、PT12H）",
            )


def check(file: str, root: etree._Element) -> Iterator[DeployProblem]:
    yield from name_problems(file, root)
    yield from buffer_problems(file, root)
