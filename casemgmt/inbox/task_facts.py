"""The facts shown beside a task: what the task's process instance decides on.

The task page belongs to the core and knows no area. Each area that attaches its own rows to
process instances (service cases, promotion assessments) registers a provider here from its
AppConfig.ready(). A provider gets the viewer and the instance and answers the facts about its
row, or None when the instance is not one of its own. Providers are asked in registration order,
which is INSTALLED_APPS order, and the first answer wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workflows.models import ProcessInstance


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    url: str = ""  # empty when the viewer may not open what the fact names
    testid: str = ""


# fn(viewer, instance) -> the facts, or None: "not mine, ask the next provider".
FactProvider = Callable[[Any, "ProcessInstance"], "list[Fact] | None"]

_providers: list[FactProvider] = []


def register_related_facts(provider: FactProvider) -> None:
    """Add a provider (again is a no-op, so a repeated ready() cannot show facts twice)."""
    if provider not in _providers:
        _providers.append(provider)


def related_facts(user: Any, instance: ProcessInstance) -> list[Fact]:
    for provider in _providers:
        facts = provider(user, instance)
        if facts is not None:
            return facts
    return []
