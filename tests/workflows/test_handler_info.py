"""Every service-task handler tells the process editor what it does and reads, and what it says
of its parameters matches what the shipped diagrams (bpmn/*.bpmn) pass to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from casemgmt.cases import handlers as case_handlers
from casemgmt.promotion import handlers as promotion_handlers
from workflows import registry
from workflows.parsing import NSMAP

DIAGRAMS = sorted((Path(__file__).resolve().parents[2] / "bpmn").glob("*.bpmn"))
TYPES = {"int", "str", "float", "bool", "any"}
# Handlers the suite registers for its own test diagrams (tests/conftest.py and some modules).
TEST_PREFIX = "test_"


def operators() -> list[tuple[str, str, dict[str, str]]]:
    """(where, handler name, {parameter id: type}) of every serviceTaskOperator in the diagrams."""
    found = []
    for path in DIAGRAMS:
        root = etree.parse(str(path)).getroot()
        for operator in root.iterfind(".//spiffworkflow:serviceTaskOperator", NSMAP):
            task = operator.getparent().getparent()  # serviceTask / extensionElements / operator
            params = {
                param.get("id"): param.get("type")
                for param in operator.iterfind("spiffworkflow:parameters/spiffworkflow:parameter", NSMAP)
            }
            found.append((f"{path.name}#{task.get('id')}", operator.get("id"), params))
    return found


OPERATORS = operators()


def test_the_diagrams_have_service_tasks() -> None:
    assert len(DIAGRAMS) >= 3
    assert len(OPERATORS) > 20


def test_every_registered_handler_has_info() -> None:
    catalog = dict(registry.handler_catalog())
    domain = {*case_handlers.HANDLERS, *promotion_handlers.HANDLERS}
    assert domain <= set(catalog)
    without = [name for name, info in catalog.items() if info is None and not name.startswith(TEST_PREFIX)]
    assert without == []


def test_the_info_is_filled_in() -> None:
    for name, info in registry.handler_catalog():
        if info is None:
            continue
        assert str(info.label).strip() and str(info.description).strip(), name
        names = [param.name for param in info.params]
        assert len(names) == len(set(names)), name
        for param in info.params:
            assert param.type in TYPES, (name, param.name)
            assert str(param.description).strip(), (name, param.name)


@pytest.mark.parametrize(("where", "handler", "params"), OPERATORS, ids=[o[0] for o in OPERATORS])
def test_diagram_parameters_match_the_handler_info(where: str, handler: str, params: dict[str, str]) -> None:
    info = dict(registry.handler_catalog()).get(handler)
    assert info is not None, f"{where}: handler {handler!r} is not registered or has no info"
    declared = {param.name: param.type for param in info.params}
    assert set(params) == set(declared), where
    assert params == declared, where
