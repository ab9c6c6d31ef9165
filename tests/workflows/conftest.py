"""Engine test fixtures: a service-task handler with a visible side effect, deployed diagrams."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from casemgmt.models import OrgUnit
from workflows import registry


class HandlerBoom(RuntimeError):
    pass


def record_handler(call: registry.ServiceCall) -> dict[str, Any]:
    # A database write, so tests can see whether a failing step's writes were rolled back.
    OrgUnit.objects.create(
        code=f"side-effect-{call.instance.pk}", name=str(call.params["label"]), kind=OrgUnit.Kind.DIVISION
    )
    if call.params.get("fail"):
        raise HandlerBoom(f"handler refused {call.params['label']}")
    return {"label": call.params["label"], "instance": call.instance.pk}


@pytest.fixture(autouse=True, scope="session")
def test_handlers() -> Iterator[None]:
    registry.register_service_handler("test_record", record_handler)
    yield
    registry.unregister_service_handler("test_record")
