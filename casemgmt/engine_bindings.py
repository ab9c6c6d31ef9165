"""Plugging the domain into the engine (called from CasemgmtConfig.ready)."""

from __future__ import annotations

from workflows import registry

from .directory import MembershipDirectory
from .lanes import OrgUnitLaneResolver


def install() -> None:
    registry.set_lane_resolver(OrgUnitLaneResolver())
    registry.set_directory(MembershipDirectory())
