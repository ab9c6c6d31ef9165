"""The 服务情况统计表 in full, for a reason: the POSTs of the sheet pages and their XLSX downloads.

GET stays what it was (the printable page, casemgmt/archive/web/sheets.py; the XLSX download),
now with the contact masked. A POST with a reason (and the period as from/to) gives the page or
the file in full, watermarked and recorded (casemgmt/archive/exports/disclosure.py). A POST without a
reason, or with one too long, answers 400 with the page (masked) and the message beside the
form: nothing is exported, nothing recorded. A POST, not a link: a page on another site cannot
make someone's browser export in full under a reason they never gave (CSRF).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from casemgmt.archive.exports import disclosure
from casemgmt.archive.exports.period import parse_period
from casemgmt.archive.exports.sheet_data import Period, enterprise_sheet, project_sheets
from casemgmt.archive.web import sheets
from casemgmt.archive.web.common import enterprise_or_404, in_page_language, period_query, project_or_404
from core.disclosure import MASKED, REASON_MAX, Disclosure, full_disclosure
from core.errors import InvalidInput


@dataclass(frozen=True)
class _Sheet:
    """What differs between the enterprise's sheet and a project's sheets."""

    key: str  # the context name of the record
    template: str
    find: Callable[[HttpRequest, int], Any]
    page: Callable[[Any, Any, Period, Disclosure, HttpRequest | None], dict[str, Any]]
    xlsx: Callable[[Any, Any, Period, Disclosure, HttpRequest | None], bytes]
    filename: Callable[[Any, Period], str]


def _enterprise_page(
    user: Any, enterprise: Any, period: Period, how: Disclosure, request: HttpRequest | None
) -> dict[str, Any]:
    if not how.full:
        return {"sheets": [enterprise_sheet(user, enterprise, period)]}
    return {"sheets": [disclosure.enterprise_page(user, enterprise, period, how, request)]}


def _project_page(
    user: Any, project: Any, period: Period, how: Disclosure, request: HttpRequest | None
) -> dict[str, Any]:
    if not how.full:
        data = project_sheets(user, project, period)
    else:
        data = disclosure.project_page(user, project, period, how, request)
    return {"data": data, "sheets": data.sheets}


ENTERPRISE = _Sheet(
    "enterprise",
    "casemgmt/archive/sheet_enterprise.html",
    enterprise_or_404,
    _enterprise_page,
    disclosure.enterprise_xlsx,
    lambda enterprise, period: sheets.enterprise_filename(enterprise.pk, period),
)
PROJECT = _Sheet(
    "project",
    "casemgmt/archive/sheet_project.html",
    project_or_404,
    _project_page,
    disclosure.project_xlsx,
    lambda project, period: sheets.project_filename(project.code, period),
)


def _period(params: QueryDict) -> tuple[Period | None, dict[str, Any]]:
    chosen = {"from": params.get("from", ""), "to": params.get("to", "")}
    try:
        return parse_period(params.get("from"), params.get("to")), {"chosen": chosen}
    except InvalidInput as error:
        message, fields = in_page_language(error)
        return None, {"chosen": chosen, "error": message, "field_errors": fields}


def _page(request: HttpRequest, kind: _Sheet, pk: int, *, as_file: bool) -> HttpResponse:
    record = kind.find(request, pk)
    period, context = _period(request.POST)
    context = {**sheets._form_text(), kind.key: record, **context}
    if period is None:
        if as_file:
            return HttpResponse(context["error"], status=400, content_type="text/plain; charset=utf-8")
        return render(request, kind.template, context, status=400)
    context["query"] = period_query(period)
    try:
        how = full_disclosure(request.user, request.POST.get("reason"))
    except InvalidInput as refusal:
        message, fields = in_page_language(refusal)
        context.update(kind.page(request.user, record, period, MASKED, None))
        context.update(
            full_error=" ".join([message, *fields.get("reason", [])]),
            reason=request.POST.get("reason", "")[:REASON_MAX],
        )
        return render(request, kind.template, context, status=400)
    if as_file:
        content = kind.xlsx(request.user, record, period, how, request)
        return sheets.xlsx_response(content, kind.filename(record, period))
    context.update(kind.page(request.user, record, period, how, request), watermark=how.mark)
    return render(request, kind.template, context)


def _masked_file(request: HttpRequest, kind: _Sheet, pk: int) -> HttpResponse:
    record = kind.find(request, pk)
    period, context = _period(request.GET)
    if period is None:
        return HttpResponse(context["error"], status=400, content_type="text/plain; charset=utf-8")
    content = kind.xlsx(request.user, record, period, MASKED, request)
    return sheets.xlsx_response(content, kind.filename(record, period))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_sheet_page(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _page(request, ENTERPRISE, pk, as_file=False)
    return sheets.enterprise_sheet_page(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def project_sheet_page(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _page(request, PROJECT, pk, as_file=False)
    return sheets.project_sheet_page(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_sheet_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _page(request, ENTERPRISE, pk, as_file=True)
    return _masked_file(request, ENTERPRISE, pk)


@login_required
@require_http_methods(["GET", "POST"])
def project_sheet_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _page(request, PROJECT, pk, as_file=True)
    return _masked_file(request, PROJECT, pk)
