"""Which file of a version draws its main process: the one the model page shows."""

from __future__ import annotations

from lxml import etree

from workflows.models import ProcessModelVersion
from workflows.parsing import NSMAP, safe_xml_parser


def main_diagram(version: ProcessModelVersion) -> tuple[str, str] | None:
    """(file name, XML) of the diagram holding the version's main process, if any."""
    for name in sorted(version.files):
        if not name.lower().endswith(".bpmn"):
            continue
        text = version.files[name]
        root = etree.fromstring(text.encode("utf-8"), parser=safe_xml_parser())
        ids = {process.get("id") for process in root.iterfind("bpmn:process", NSMAP)}
        if version.main_process_id in ids:
            return name, text
    return None
