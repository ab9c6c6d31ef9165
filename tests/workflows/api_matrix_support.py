"""The API permission matrix's building blocks, shared by the core rows and each area's rows
(tests/matrix/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from tests.module_world import Resettable
from tests.personas import PERSONA_NAMES
from workflows.models import HumanTask, ProcessInstance

PERSONAS = PERSONA_NAMES


@dataclass
class World(Resettable):
    """What the requests point at: built once per module, reset for every test (each test's writes
    are rolled back; tests/module_world.py)."""

    case: ProcessInstance
    task: HumanTask

    def __post_init__(self) -> None:
        self.keep()


@dataclass(frozen=True)
class Row:
    method: str
    url: Callable[[World], str]
    body: Callable[[World], dict[str, Any]] | None
    expect: dict[str, int]  # persona → status; missing personas expect `default`
    default: int


def everyone_authenticated(status: int) -> dict[str, int]:
    return {p: status for p in PERSONAS if p != "anonymous"}


VISIBLE = {"admin", "auditor", "reviewer", "office_a", "operator_a"}


def by_visibility(visible_status: dict[str, int], hidden: int = 404) -> dict[str, int]:
    """Personas who can see the case get their status; the others get 404, anonymous 403."""
    out = {p: hidden for p in PERSONAS if p not in VISIBLE and p != "anonymous"}
    out.update(visible_status)
    return out


def url(name: str, **kwargs: Any) -> Callable[[World], str]:
    def build(world: World) -> str:
        resolved = {k: (v(world) if callable(v) else v) for k, v in kwargs.items()}
        return reverse(name, kwargs=resolved)

    return build
