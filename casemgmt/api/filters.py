"""The API's check of list filters: unknown enum values and malformed dates are a 400.

The pages share the parsers (casemgmt.cases.queries.parse_filters, institutions.search_institutions),
which ignore what they do not understand, as a search form should. An API client asking for
`stage=closd` must learn that, not get an unfiltered list, so the list views check first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.http.query_params import choice, refuse

from ..models import CaseStage, InstitutionKind

CASE_STAGES = (*CaseStage.values, "open")


def _date(params: Any, name: str) -> None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return
    try:
        date.fromisoformat(raw)
    except ValueError:
        raise refuse(
            name, "invalid_date", "不是有效的日期（YYYY-MM-DD）。", "Not a date (YYYY-MM-DD)."
        ) from None


def check_case_filters(params: Any) -> None:
    """GET /api/cases/: `stage` one of the stages or "open"; `since`/`until` dates."""
    choice(params, "stage", CASE_STAGES)
    _date(params, "since")
    _date(params, "until")


def check_institution_filters(params: Any) -> None:
    """GET /api/registry/institutions/: `kind` one of the institution kinds."""
    choice(params, "kind", InstitutionKind.values)
