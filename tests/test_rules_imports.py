"""The rules modules form no import cycle, and importing casemgmt.rules registers them all.

Read from the source with ast (no interpreter state involved): every import counts, including
those inside functions, since a lazy import is still a cycle waiting for its first call.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import rules

ROOT = Path(__file__).resolve().parent.parent
CASEMGMT = ROOT / "casemgmt"
RULES = "casemgmt.rules"
PREDICATES = "casemgmt.predicates"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


RULE_FILES = sorted(
    [
        CASEMGMT / "predicates.py",
        CASEMGMT / "rules.py",
        *CASEMGMT.glob("rules_*.py"),
        *CASEMGMT.glob("*/rules.py"),
    ]
)
AREA_RULES = sorted(module_name(p) for p in CASEMGMT.glob("rules_*.py"))


def imports_of(path: Path) -> set[str]:
    """Absolute names of what the file imports (`from . import x` counts as module `pkg.x`)."""
    package = module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


GRAPH = {module_name(path): imports_of(path) for path in RULE_FILES}


def test_the_rule_files_are_found() -> None:
    assert {RULES, PREDICATES, "casemgmt.scorecard.rules", "casemgmt.promotion.rules"} <= set(GRAPH)
    assert AREA_RULES == ["casemgmt.rules_archive", "casemgmt.rules_cases", "casemgmt.rules_registry"]


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
        "casemgmt.record_outcome",  # rules_archive
        "cases.cancel_case",  # rules_cases
        "casemgmt.registry_change",  # rules_registry
        "scorecard.view_evaluation",  # the nested apps', autodiscovered
        "promotion.view_project",
    ],
)
def test_every_rules_module_is_registered_at_startup(perm: str) -> None:
    assert rules.perm_exists(perm)
