"""The domain's tables, one module per concept."""

from .org import Membership, OrgUnit

__all__ = ["Membership", "OrgUnit"]
