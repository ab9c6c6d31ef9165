"""The scorecard tables, one module per concept; every name is importable from here as before.

- template: the versioned template of Attachment 3 (groups, indicators, sub-items), frozen once
  an evaluation uses it;
- evaluation: evaluations and their indicator and sub-item scores;
- evidence: the files and links attached to a score;
- typical_case: the offices' quarterly typical cases.

Migrations refer to `casemgmt.scorecard.models.evidence_upload_to`: it stays exported here.
"""

from .evaluation import ZERO, Evaluation, EvaluationStatus, IndicatorScore, Stage, SubItemScore
from .evidence import EVIDENCE_EXTENSIONS, EVIDENCE_MAX_BYTES, Evidence, evidence_upload_to
from .template import (
    Indicator,
    IndicatorGroup,
    RuleKind,
    SubItem,
    TemplateFrozen,
    TemplateVersion,
    guard_template,
)
from .typical_case import (
    ACCEPTED_TYPICAL_CASE_STATUSES,
    TypicalCase,
    TypicalCaseKind,
    TypicalCaseStatus,
    quarter_start,
)

__all__ = [
    "ACCEPTED_TYPICAL_CASE_STATUSES",
    "EVIDENCE_EXTENSIONS",
    "EVIDENCE_MAX_BYTES",
    "ZERO",
    "Evaluation",
    "EvaluationStatus",
    "Evidence",
    "Indicator",
    "IndicatorGroup",
    "IndicatorScore",
    "RuleKind",
    "Stage",
    "SubItem",
    "SubItemScore",
    "TemplateFrozen",
    "TemplateVersion",
    "TypicalCase",
    "TypicalCaseKind",
    "TypicalCaseStatus",
    "evidence_upload_to",
    "guard_template",
    "quarter_start",
]
