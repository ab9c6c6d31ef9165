"""Which file of a version draws its main process: the one the model page shows."""

from __future__ import annotations

from lxml import etree

from workflows.models import ProcessModelVersion
from workflows.parsing import NSMAP, safe_xml_parser


def main_diagram(version: ProcessModelVersion) -> tuple[str, str] | None:
    """(file name, XML) of the diagram holding the version's main process, if any."""
    return diagram_with(version.files, version.main_process_id)


def diagram_with(files: dict[str, str], process_id: str) -> tuple[str, str] | None:
    """(file name, XML) of the diagram among `files` that holds the process `process_id`. A file
    that is not well-formed (a draft may be anything) holds nothing."""
    for name in sorted(files):
        if not name.lower().endswith(".bpmn"):
            continue
        text = files[name]
        try:
            root = etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
        except etree.XMLSyntaxError:
            continue
        ids = {process.get("id") for process in root.iterfind("bpmn:process", NSMAP)}
        if process_id in ids:
            return name, text
    return None
