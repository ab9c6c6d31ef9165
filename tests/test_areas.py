"""The layout the README's "Architecture in a page" describes, kept true by the tree itself.

`casemgmt` is laid out by area (org, registry, cases, archive, public, inbox), each holding its
services, rules, pages and API. Areas use each other through services only: no module reaches
into another area's pages or API. Read from the source with ast, so lazy imports count too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.source_imports import ROOT, imported_modules, module_name

CASEMGMT = ROOT / "casemgmt"

# What may sit loose at the top of casemgmt: the app itself, its admin, the engine hooks and the
# module django-rules autodiscovers.
TOP_LEVEL = {"__init__.py", "admin.py", "apps.py", "engine_bindings.py", "rules.py"}
AREAS = {"org", "registry", "cases", "archive", "public", "inbox"}
# Packages that are pages or endpoints through and through: nobody outside them imports them.
WEB_ONLY_AREAS = {"public", "inbox"}
# The shells every area may use: the root URL modules and the widgets the hand-built forms share.
SHELLS = {"web", "api"}
# What a web-only area offers the others: the registry of facts shown beside a task, which each
# area fills from its AppConfig.ready().
EXTENSION_POINTS = {"casemgmt.inbox.task_facts"}
MAX_LINES = 400


def area_of(module: str) -> tuple[str, str] | None:
    """(area, the part below it) of a casemgmt module, or None outside casemgmt."""
    parts = module.split(".")
    if parts[0] != "casemgmt" or len(parts) < 2:
        return None
    return parts[1], parts[2] if len(parts) > 2 else ""


def casemgmt_sources() -> list[Path]:
    return sorted(p for p in CASEMGMT.rglob("*.py") if "migrations" not in p.parts)


def is_pages_or_api(module: str) -> bool:
    where = area_of(module)
    if where is None:
        return False
    area, below = where
    if module in EXTENSION_POINTS or module.rpartition(".")[0] in EXTENSION_POINTS:
        return False
    return area in WEB_ONLY_AREAS or (area in AREAS and below in SHELLS)


def test_casemgmt_has_no_loose_modules_beyond_the_app_itself() -> None:
    loose = {p.name for p in CASEMGMT.glob("*.py")}
    assert loose <= TOP_LEVEL, f"put these in their area's package: {sorted(loose - TOP_LEVEL)}"
    assert {p.name for p in CASEMGMT.iterdir() if (p / "__init__.py").exists()} >= AREAS


@pytest.mark.parametrize("path", casemgmt_sources(), ids=lambda p: module_name(p))
def test_no_module_reaches_into_another_areas_pages_or_api(path: Path) -> None:
    own = area_of(module_name(path))
    if own is None or own[0] in SHELLS:
        return  # the shells' URL modules include the areas' by name, never by import
    crossing = sorted(
        name
        for name in imported_modules(path)
        if is_pages_or_api(name) and (area_of(name) or ("", ""))[0] != own[0]
    )
    assert not crossing, f"{module_name(path)} imports another area's pages or API: {crossing}"


def test_no_file_is_over_400_lines() -> None:
    long = []
    for top in (
        "audit",
        "bench",
        "casemgmt",
        "config",
        "core",
        "notifications",
        "studio",
        "workflows",
        "scripts",
        "tests",
    ):
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > MAX_LINES:
                long.append(f"{path.relative_to(ROOT)} ({lines})")
    assert not long, f"split these by concept: {long}"
