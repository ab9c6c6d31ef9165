"""What the scorecard pages share: finding objects in the user's area (else 404), errors shown in
the page's language, dates from forms."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from casemgmt.models import ServiceProject
from core.errors import NotFound, ServiceError
from core.http.page_errors import in_english, page_errors  # noqa: F401 (in_english: re-exported for reports)
from core.http.page_errors import refuse_on_page as show_error  # noqa: F401 (the scorecard pages' name for it)

from ..models import Evaluation, TypicalCase
from ..queries import get_evaluation
from ..typical_cases import visible_typical_cases


def require_perm(request: HttpRequest, permission: str, obj: Any = None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def evaluation_or_404(request: HttpRequest, pk: int) -> Evaluation:
    try:
        return get_evaluation(request.user, pk)
    except NotFound:
        raise Http404 from None


def project_or_404(request: HttpRequest, pk: int) -> ServiceProject:
    """A project whose scorecards the user may see, else 404."""
    found = ServiceProject.objects.select_related("operator").filter(pk=pk).first()
    if found is None or not request.user.has_perm("scorecard.view_evaluation", found):
        raise Http404
    return found


def typical_case_or_404(request: HttpRequest, pk: int) -> TypicalCase:
    found = visible_typical_cases(request.user).filter(pk=pk).first()
    if found is None or not request.user.has_perm("scorecard.view_typical_case", found):
        raise Http404
    return found


def field_errors(error: ServiceError) -> dict[str, str]:
    return page_errors(error).first()


def parse_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
