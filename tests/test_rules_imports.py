"""The rules modules form no import cycle, and importing casemgmt.rules registers them all.

Read from the source with ast (no interpreter state involved): every import counts, including
those inside functions, since a lazy import is still a cycle waiting for its first call.
"""

from __future__ import annotations

import pytest
import rules

from tests.source_imports import ROOT, imported_modules, module_name

CASEMGMT = ROOT / "casemgmt"
RULES = "casemgmt.rules"
PREDICATES = "casemgmt.org.predicates"


RULE_FILES = sorted(
    [
        CASEMGMT / "org" / "predicates.py",
        CASEMGMT / "rules.py",
        *CASEMGMT.glob("*/rules.py"),
    ]
)
# The areas whose rules casemgmt.rules registers (scorecard and promotion are apps of their own,
# autodiscovered by django-rules).
AREA_RULES = sorted(
    module_name(p) for p in CASEMGMT.glob("*/rules.py") if p.parent.name not in ("scorecard", "promotion")
)


GRAPH = {module_name(path): imported_modules(path) for path in RULE_FILES}


def test_the_rule_files_are_found() -> None:
    assert {RULES, PREDICATES, "casemgmt.scorecard.rules", "casemgmt.promotion.rules"} <= set(GRAPH)
    assert AREA_RULES == ["casemgmt.archive.rules", "casemgmt.cases.rules", "casemgmt.registry.rules"]


def test_predicates_import_no_rules_module() -> None:
    assert not GRAPH[PREDICATES] & (set(GRAPH) - {PREDICATES})


@pytest.mark.parametrize("name", sorted(set(GRAPH) - {RULES, PREDICATES}))
def test_no_rules_module_imports_casemgmt_rules(name: str) -> None:
    assert RULES not in GRAPH[name]


def test_casemgmt_rules_imports_every_area_module() -> None:
    assert set(AREA_RULES) <= GRAPH[RULES]


def test_no_cycle_among_the_rules_modules() -> None:
    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import cycle: {' -> '.join((*path, name))}"
        for imported in sorted(GRAPH[name] & set(GRAPH)):
            visit(imported, (*path, name))

    for name in GRAPH:
        visit(name, ())


@pytest.mark.parametrize(
    "perm",
    [
        "workflows.view_task",  # casemgmt.rules itself
        "casemgmt.record_outcome",  # casemgmt/archive/rules.py
        "cases.cancel_case",  # casemgmt/cases/rules.py
        "casemgmt.registry_change",  # casemgmt/registry/rules.py
        "scorecard.view_evaluation",  # the nested apps', autodiscovered
        "promotion.view_project",
    ],
)
def test_every_rules_module_is_registered_at_startup(perm: str) -> None:
    assert rules.perm_exists(perm)
