"""The core package: shared by every app, dependent on none of the engine or the domain, and the
only home of the helpers it holds (issue 14: no second copy, no shim at the old paths)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from core import service
from core.errors import InvalidInput
from tests.personas import Cast
from tests.source_imports import imported_modules
from workflows import guard

CORE = Path(__file__).resolve().parent.parent / "core"


def test_core_imports_neither_the_engine_nor_the_domain() -> None:
    for path in CORE.rglob("*.py"):
        tops = {name.split(".")[0] for name in imported_modules(path)}
        assert not tops & {"workflows", "casemgmt", "config", "notifications"}, path


@pytest.mark.parametrize(
    "old",
    [
        "config.errors",
        "config.wire",
        "config.statements",
        "config.edge",
        "config.api_errors",
        "config.pagination",
        "config.query_params",
        "config.api_tokens",
        "config.web_errors",
    ],
)
def test_moved_modules_leave_nothing_at_the_old_path(old: str) -> None:
    assert importlib.util.find_spec(old) is None


def test_engine_guard_keeps_only_the_engine_bits() -> None:
    shared = {"audit", "write_transaction", "require", "require_reason", "acting_user", "allowed", "Actor"}
    assert not shared & set(vars(guard)), "the shared helpers live in core.service only"


@dataclass
class _Instance:
    pk: int
    business_key: str


@pytest.mark.django_db
def test_audit_by_instance_and_by_key_record_the_same_row(cast: Cast) -> None:
    instance = _Instance(pk=4242, business_key="FS-2026-00042")
    with service.write_transaction():
        service.audit(
            Action.CASE_UPDATED,
            cast.office_a,
            target_type="case",
            target_id="FS-2026-00042",
            instance=instance,
        )
        service.audit(
            Action.CASE_UPDATED,
            cast.office_a,
            target_type="case",
            target_id="FS-2026-00042",
            business_key="FS-2026-00042",
            instance_id=4242,
        )
    first, second = AuditEvent.objects.filter(business_key="FS-2026-00042").order_by("id")
    fields = (
        "actor_id",
        "actor_role",
        "actor_org_unit",
        "target_type",
        "target_id",
        "business_key",
        "instance_id",
    )
    assert [getattr(first, name) for name in fields] == [getattr(second, name) for name in fields]
    assert first.instance_id == 4242
    assert first.actor_role and first.actor_org_unit  # described by the registered directory


@pytest.mark.django_db
def test_audit_refuses_an_instance_and_a_key_together(cast: Cast) -> None:
    with pytest.raises(TypeError), service.write_transaction():
        service.audit(
            Action.CASE_UPDATED,
            cast.office_a,
            target_type="case",
            target_id="x",
            instance=_Instance(pk=1, business_key="k"),
            business_key="k",
        )
    assert not AuditEvent.objects.filter(target_id="x").exists()


def test_require_reason_refuses_blank() -> None:
    with pytest.raises(InvalidInput):
        service.require_reason("  ")
