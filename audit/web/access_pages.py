"""The access log page: who viewed, exported or revealed which personal data, for auditors.

The same readers as the audit review (audit.view_events). The table grows with every page view,
so the page never counts it: it reads one row more than it shows to know whether there is an
older page, and the "older" link carries the last shown record's id (a keyset cursor on the
time index), so page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ..access_models import AccessRecord
from . import words
from .access_forms import AccessFilterForm, filtered_records
from .views import require_viewer

PAGE_SIZE = 50
_BIGINT_LIMIT = 2**63

# The subjects the project records, in words; a code not listed here is shown as it is.
SUBJECT_LABELS: dict[str, Any] = {
    "archive": _("Enterprise archive"),
    "enterprise": _("Enterprise"),
    "enterprise_list": _("Enterprise list"),
    "case": _("Service case"),
    "case_receipt": _("Receipt"),
    "case_list": _("Case list"),
    "enterprise_sheet": _("Service record sheet"),
    "project_sheet": _("Service record sheets"),
    "scorecard": _("Scorecard"),
}


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    require_viewer(request)
    form = AccessFilterForm(request.GET)
    query = form.query_string()
    context: dict[str, Any] = {"form": form, "query": query, "filtered": bool(query), "rows": None}
    if not form.is_valid():
        return render(request, "audit/access.html", context)
    records = _older_than(filtered_records(form), request.GET.get("before", ""))
    shown = list(records[: PAGE_SIZE + 1])
    more = len(shown) > PAGE_SIZE
    shown = shown[:PAGE_SIZE]
    context.update(
        rows=_rows(shown),
        older=shown[-1].pk if more else None,
        paged="before" in request.GET,
    )
    return render(request, "audit/access.html", context)


def _older_than(records: QuerySet[AccessRecord], cursor: str) -> QuerySet[AccessRecord]:
    """The records after `cursor` (a record id) in newest-first order. An id that is no number
    or names no record starts from the newest again: the cursor is the page's own link, never
    anything a reader has to type."""
    if not (cursor.isascii() and cursor.isdigit()) or not 0 < int(cursor) < _BIGINT_LIMIT:
        return records
    moment = AccessRecord.objects.filter(pk=int(cursor)).values_list("occurred_at", flat=True).first()
    if moment is None:
        return records
    return records.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, id__lt=int(cursor)))


def _rows(records: Sequence[AccessRecord]) -> list[dict[str, Any]]:
    names = _full_names(record.actor_id for record in records)
    return [
        {
            "record": record,
            "actor": names.get(record.actor_id or 0, "") or record.actor_name,
            "roles": [words.role_label(code) for code in record.actor_roles.split(",") if code],
            "subject": SUBJECT_LABELS.get(record.subject, record.subject),
        }
        for record in records
    ]


def _full_names(ids: Iterable[int | None]) -> dict[int, str]:
    """The page's readers' full names, in one query (the records keep only the user name)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    users = get_user_model().objects.filter(pk__in=wanted).only("first_name", "last_name")
    return {user.pk: user.get_full_name() for user in users}
