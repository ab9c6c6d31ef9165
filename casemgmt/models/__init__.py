"""The domain's tables, one module per concept."""

from .calendar import CalendarDay
from .enterprise import SME_SIZE_CLASSES, Enterprise, SizeClass
from .enterprise_change import EnterpriseChangeProposal, IntakeEnterpriseDetails, ProposalStatus
from .institution import InstitutionKind, TechnicalInstitution
from .org import Membership, OrgUnit
from .outcome import OUTCOME_SUBTYPES, Outcome, OutcomeKind
from .privacy import ConsentChannel, ConsentRecord, CorrectionRequest
from .registry import NamingRecord, ProjectLevel, ServiceProject
from .saved_filter import SavedFilter
from .service_case import (
    OPEN_STAGES,
    CaseNumberSequence,
    CaseStage,
    Channel,
    EffectKind,
    Satisfaction,
    ServiceCase,
    ServiceClass,
    ServiceMode,
    ServiceRecord,
)
from .station import ServiceStation, StaffPost, StationStaff
from .throttle import RateLimitHit

__all__ = [
    "OPEN_STAGES",
    "OUTCOME_SUBTYPES",
    "SME_SIZE_CLASSES",
    "CalendarDay",
    "CaseNumberSequence",
    "CaseStage",
    "Channel",
    "ConsentChannel",
    "ConsentRecord",
    "CorrectionRequest",
    "EffectKind",
    "Enterprise",
    "EnterpriseChangeProposal",
    "InstitutionKind",
    "IntakeEnterpriseDetails",
    "Membership",
    "NamingRecord",
    "OrgUnit",
    "Outcome",
    "OutcomeKind",
    "ProjectLevel",
    "ProposalStatus",
    "RateLimitHit",
    "Satisfaction",
    "SavedFilter",
    "ServiceCase",
    "ServiceClass",
    "ServiceMode",
    "ServiceProject",
    "ServiceRecord",
    "ServiceStation",
    "SizeClass",
    "StaffPost",
    "StationStaff",
    "TechnicalInstitution",
]
