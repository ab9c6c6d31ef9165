"""The service-task handler the test diagrams name ('test_record'), registered for the whole suite.

It writes a row, so tests can see whether a failing step's writes were rolled back, and fails
on request (parameter `fail`).
"""

from __future__ import annotations

from typing import Any

from casemgmt.models import OrgUnit
from workflows import registry


class HandlerBoom(RuntimeError):
    pass


def record_handler(call: registry.ServiceCall) -> dict[str, Any]:
    OrgUnit.objects.create(
        code=f"side-effect-{call.instance.pk}", name=str(call.params["label"]), kind=OrgUnit.Kind.DIVISION
    )
    if call.params.get("fail"):
        raise HandlerBoom(f"handler refused {call.params['label']}")
    return {"label": call.params["label"], "instance": call.instance.pk}
