"""Diagrams that would make Spiff 3.2's parser loop for ever, found before it is given them.

Spiff resolves a data association's data object by looking in the element's own (sub)process and
then in that one's parent; when the object is in neither, its loop keeps looking in the same
parent and never ends (node_parser._resolve_data_object_ref). That happens for a data object
declared two or more subprocess levels up, or not at all. A file with such a reference is not
given to the parser; deploy says what to change, and loading a stored version fails instead of
hanging a worker.
"""

from __future__ import annotations

from lxml import etree

from .problems import DeployProblem

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NS = {"bpmn": _BPMN}
# What Spiff parses with a process parser of its own: the process and every embedded subprocess.
_CONTAINERS = frozenset(
    f"{{{_BPMN}}}{tag}" for tag in ("process", "subProcess", "transaction", "adHocSubProcess")
)


def _containers(element: etree._Element) -> list[etree._Element]:
    """The (sub)processes around `element`, innermost first."""
    return [ancestor for ancestor in element.iterancestors() if ancestor.tag in _CONTAINERS]


def _declares(container: etree._Element, data_object_id: str) -> bool:
    return any(obj.get("id") == data_object_id for obj in container.iterfind("bpmn:dataObject", _NS))


def data_object_hazards(file: str, root: etree._Element) -> list[DeployProblem]:
    references = {ref.get("id"): ref for ref in root.iter(f"{{{_BPMN}}}dataObjectReference")}
    problems: list[DeployProblem] = []
    for path in ("bpmn:dataInputAssociation/bpmn:sourceRef", "bpmn:dataOutputAssociation/bpmn:targetRef"):
        for ref in root.iterfind(f".//{path}", _NS):
            association = ref.getparent()
            owner = association.getparent() if association is not None else None
            reference = references.get((ref.text or "").strip())
            if owner is None or reference is None:
                continue
            containers = _containers(owner)
            if len(containers) < 2:
                continue  # in a process itself: Spiff's search ends there
            wanted = reference.get("dataObjectRef") or ""
            if any(_declares(container, wanted) for container in containers[:2]):
                continue
            problems.append(
                DeployProblem(
                    file,
                    f"data object reference {reference.get('id')!r} points to data object {wanted!r}, "
                    "which is declared neither in this subprocess nor in the one holding it: the engine "
                    "cannot resolve it (it would never finish reading the diagram); declare the data "
                    "object there",
                    ref.sourceline,
                    owner.get("id", ""),
                    "data_object",
                    f"数据对象引用“{reference.get('id')}”指向的数据对象“{wanted}”既未在本子流程中声明，"
                    "也未在包含它的上一层流程中声明：引擎无法解析（会无休止地读取该流程图）；"
                    "请在这两处之一声明该数据对象",
                )
            )
    return problems
