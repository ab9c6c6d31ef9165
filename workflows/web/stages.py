"""The order of a process's steps, for pages that lay cases out stage by stage.

A board's columns should read left to right the way the process runs. The order is the
breadth-first distance of each element from the diagram's start events along sequence flows
(ties broken by position in the file), so it does not depend on how a modeller happened to
write the XML. Versions are immutable, so an order computed once per version stays valid for
the life of the process (cached by content hash, which also survives a reused primary key).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from lxml import etree

from ..models import ProcessModelVersion
from ..parsing import BPMN_NS, safe_xml_parser

UNREACHED = 10_000
_orders: dict[str, dict[str, tuple[int, int]]] = {}


def _tag(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def order_of_diagram(files: dict[str, str]) -> dict[str, tuple[int, int]]:
    """{element id: (distance from a start event, position in the files)} for every .bpmn file."""
    position: dict[str, int] = {}
    edges: dict[str, list[str]] = {}
    starts: list[str] = []
    for name in sorted(files):
        if not name.endswith(".bpmn"):
            continue
        try:
            root = etree.fromstring(files[name].encode(), safe_xml_parser())
        except etree.XMLSyntaxError:
            continue  # deploy validated the files; a page must not fail on them regardless
        for element in root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if not element_id or not str(element.tag).startswith(f"{{{BPMN_NS}}}"):
                continue
            position.setdefault(element_id, len(position))
            tag = _tag(element)
            if tag == "sequenceFlow":
                edges.setdefault(element.get("sourceRef", ""), []).append(element.get("targetRef", ""))
            elif tag == "boundaryEvent" and element.get("attachedToRef"):
                edges.setdefault(element.get("attachedToRef", ""), []).append(element_id)
            elif tag == "startEvent":
                parent = element.getparent()
                if parent is not None and _tag(parent) == "subProcess":
                    edges.setdefault(parent.get("id", ""), []).append(element_id)
                else:
                    starts.append(element_id)
    distance: dict[str, int] = dict.fromkeys(starts, 0)
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        for target in edges.get(node, ()):
            if target not in distance:
                distance[target] = distance[node] + 1
                queue.append(target)
    return {
        element_id: (distance.get(element_id, UNREACHED), index) for element_id, index in position.items()
    }


def step_orders(versions: Iterable[ProcessModelVersion]) -> dict[int, dict[str, tuple[int, int]]]:
    """{version pk: order} for versions loaded without their files (pass `.defer("files")`);
    one query fetches the files of versions not seen before, none afterwards."""
    wanted = {version.pk: version.content_hash for version in versions}
    missing = {pk for pk, digest in wanted.items() if digest not in _orders}
    if missing:
        rows = ProcessModelVersion.objects.filter(pk__in=missing).values_list("content_hash", "files")
        for digest, files in rows:
            _orders[digest] = order_of_diagram(files or {})
    return {pk: _orders.get(digest, {}) for pk, digest in wanted.items()}
