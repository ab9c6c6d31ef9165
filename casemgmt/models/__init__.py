"""The domain's tables, one module per concept."""

from .calendar import CalendarDay
from .org import Membership, OrgUnit
from .saved_filter import SavedFilter

__all__ = ["CalendarDay", "Membership", "OrgUnit", "SavedFilter"]
