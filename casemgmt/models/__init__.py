"""The domain's tables, one module per concept."""

from .calendar import CalendarDay
from .org import Membership, OrgUnit
from .registry import NamingRecord, ProjectLevel, ServiceProject
from .saved_filter import SavedFilter

__all__ = [
    "CalendarDay",
    "Membership",
    "NamingRecord",
    "OrgUnit",
    "ProjectLevel",
    "SavedFilter",
    "ServiceProject",
]
