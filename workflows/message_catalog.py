"""What the deployed models declare about messages: which start a process, how long an
unmatched one is buffered.

A message a model's start event takes starts a new instance of that model when no instance waits
for it (workflows/messages.py).

Buffering is declared on the message element, with a property in ISO 8601:

    <bpmn:message id="reply" name="部门回复">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="bufferFor" value="P3D" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:message>

A message nobody waits for is then kept that long for the first instance that comes to wait for
it; without the property it is refused. Several models may declare one message: the longest
time counts. Only each model's newest version is read; the catalog is rebuilt when a version is
deployed (seen by the newest version id, one indexed query per lookup).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .models import ProcessModelVersion
from .parsing import NSMAP, safe_xml_parser

BUFFER_PROPERTY = "bufferFor"


@dataclass(frozen=True)
class Catalog:
    newest: int | None
    buffers: dict[str, timedelta] = field(default_factory=dict)
    # message name → keys of the models a start event of which takes it
    starters: dict[str, list[str]] = field(default_factory=dict)


_cache: list[Catalog] = [Catalog(newest=-1)]


def _roots(files: dict[str, str]) -> list[etree._Element]:
    return [
        etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
        for name, text in files.items()
        if name.endswith(".bpmn")
    ]


def started_by(files: dict[str, str], main_process_id: str) -> set[str]:
    """The names of the messages a start event of the version's main process takes."""
    names: set[str] = set()
    for root in _roots(files):
        messages = {m.get("id"): m.get("name") for m in root.iter(f"{{{NSMAP['bpmn']}}}message")}
        for process in root.iterfind("bpmn:process", NSMAP):
            if process.get("id") != main_process_id:
                continue
            for definition in process.iterfind("bpmn:startEvent/bpmn:messageEventDefinition", NSMAP):
                name = messages.get(definition.get("messageRef"))
                if name:
                    names.add(str(name))
    return names


def message_buffers(files: dict[str, str]) -> dict[str, str]:
    """{message name: bufferFor text} declared in one version's diagrams."""
    found: dict[str, str] = {}
    for root in _roots(files):
        for message in root.iter(f"{{{NSMAP['bpmn']}}}message"):
            for prop in message.iterfind(
                "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NSMAP
            ):
                if prop.get("name") == BUFFER_PROPERTY and message.get("name"):
                    found[str(message.get("name"))] = (prop.get("value") or "").strip()
    return found


def duration(text: str) -> timedelta | None:
    """An ISO 8601 duration as a timedelta from now; None when it is not one (deploy refuses it)."""
    try:
        now = datetime.now(UTC)
        parsed = TimerEventDefinition.parse_iso_duration(text)
        return TimerEventDefinition.get_timedelta_from_start(dict(parsed), now)
    except Exception:  # Spiff's parser raises bare exceptions on bad text
        return None


def _catalog() -> Catalog:
    newest = ProcessModelVersion.objects.order_by("-id").values_list("id", flat=True).first()
    if _cache[0].newest == newest:
        return _cache[0]
    latest = (
        ProcessModelVersion.objects.order_by("process_model_id", "-number")
        .distinct("process_model_id")
        .values_list("process_model__key", "files", "main_process_id")
    )
    catalog = Catalog(newest)
    for key, files, main in latest:
        for name, text in message_buffers(files).items():
            length = duration(text)
            if length is not None and length > catalog.buffers.get(name, timedelta(0)):
                catalog.buffers[name] = length
        for name in started_by(files, main):
            catalog.starters.setdefault(name, []).append(key)
    _cache[0] = catalog
    return catalog


def buffer_for(name: str) -> timedelta | None:
    """How long a message of this name waits for a receiver; None: it is refused at once."""
    return _catalog().buffers.get(name)


def buffers_any(names: set[str]) -> bool:
    buffers = _catalog().buffers
    return any(name in buffers for name in names)


def starters(name: str) -> list[str]:
    """The keys of the models whose newest version a message of this name starts."""
    return sorted(_catalog().starters.get(name, []))
